"""Identity's URLs, mounted at ``/api/v1/identity/``."""

from django.urls import path

from domains.identity.api.me import MeApi

app_name = "identity"

urlpatterns = [
    path("me", MeApi.as_view(), name="me"),
]
