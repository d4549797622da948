"""Learning's URLs, mounted at ``/api/v1/learning/``."""

from django.urls import path

from domains.learning.api.activities import ActivityDetailApi, ActivityListApi
from domains.learning.api.member_learning import MemberProgressListApi, MemberTimelineListApi

app_name = "learning"

urlpatterns = [
    path("activities", ActivityListApi.as_view(), name="activity-list"),
    path("activities/<uuid:activity_id>", ActivityDetailApi.as_view(), name="activity-detail"),
    path(
        "members/<uuid:member_id>/timeline",
        MemberTimelineListApi.as_view(),
        name="member-timeline",
    ),
    path(
        "members/<uuid:member_id>/progress",
        MemberProgressListApi.as_view(),
        name="member-progress",
    ),
]
