"""The xAPI Learning Record Store, mounted at ``/xapi/`` (outside the versioned API:
xAPI 1.0.3 is its own contract, docs/xapi.md)."""

from django.urls import path

from domains.learning.xapi.about import AboutApi
from domains.learning.xapi.documents import (
    ActivitiesApi,
    ActivityProfileApi,
    AgentProfileApi,
    AgentsApi,
    StateApi,
)
from domains.learning.xapi.statements import StatementsApi

urlpatterns = [
    path("xapi/about", AboutApi.as_view(), name="xapi-about"),
    path("xapi/statements", StatementsApi.as_view(), name="xapi-statements"),
    path("xapi/activities/state", StateApi.as_view(), name="xapi-state"),
    path("xapi/activities/profile", ActivityProfileApi.as_view(), name="xapi-activity-profile"),
    path("xapi/activities", ActivitiesApi.as_view(), name="xapi-activities"),
    path("xapi/agents/profile", AgentProfileApi.as_view(), name="xapi-agent-profile"),
    path("xapi/agents", AgentsApi.as_view(), name="xapi-agents"),
]
