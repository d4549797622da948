"""Learning's URLs, mounted at ``/api/v1/learning/``."""

from django.urls import path

from domains.learning.api.activities import ActivityDetailApi, ActivityListApi

app_name = "learning"

urlpatterns = [
    path("activities", ActivityListApi.as_view(), name="activity-list"),
    path("activities/<uuid:activity_id>", ActivityDetailApi.as_view(), name="activity-detail"),
]
