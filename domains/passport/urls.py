"""Passport's URLs, mounted at ``/api/v1/passport/``."""

from django.urls import path

from domains.passport.api.frameworks import FrameworkDetailApi, FrameworkListApi

app_name = "passport"

urlpatterns = [
    path("frameworks", FrameworkListApi.as_view(), name="framework-list"),
    path("frameworks/<uuid:framework_id>", FrameworkDetailApi.as_view(), name="framework-detail"),
]
