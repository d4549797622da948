"""The gateway's URLs outside ``/api/v1/``: its ops REST API."""

from django.urls import include, path

urlpatterns = [path("ops/gateway/", include("gateway.api.urls"))]
