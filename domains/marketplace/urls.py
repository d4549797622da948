"""Marketplace's URLs, mounted at ``/api/v1/marketplace/``."""

from django.urls import path

from domains.marketplace.api.spaces import SpaceDetailApi, SpaceListApi

app_name = "marketplace"

urlpatterns = [
    path("spaces", SpaceListApi.as_view(), name="space-list"),
    path("spaces/<uuid:space_id>", SpaceDetailApi.as_view(), name="space-detail"),
]
