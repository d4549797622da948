"""Routes of the gateway's ops API (mounted at ``/ops/gateway/`` by ``gateway.root_urls``)."""

from django.urls import path

from gateway.api.routes import (
    GatewayFlagsApi,
    OpsIndexApi,
    RouteActionApi,
    RouteDetailApi,
    RouteListApi,
)

urlpatterns = [
    path("", OpsIndexApi.as_view(), name="gateway-ops-index"),
    path("routes", RouteListApi.as_view(), name="gateway-route-list"),
    path("routes/<uuid:route_id>", RouteDetailApi.as_view(), name="gateway-route-detail"),
    path("routes/<uuid:route_id>/actions", RouteActionApi.as_view(), name="gateway-route-action"),
    path("flags", GatewayFlagsApi.as_view(), name="gateway-flags"),
]
