"""The xAPI Learning Record Store, mounted at ``/xapi/`` (outside the versioned API:
xAPI 1.0.3 is its own contract, docs/xapi.md)."""

from django.urls import path

from domains.learning.xapi.about import AboutApi
from domains.learning.xapi.statements import StatementsApi

urlpatterns = [
    path("xapi/about", AboutApi.as_view(), name="xapi-about"),
    path("xapi/statements", StatementsApi.as_view(), name="xapi-statements"),
]
