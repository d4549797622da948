"""Reputation's URLs, mounted at ``/api/v1/reputation/``."""

from django.urls import path

from domains.reputation.api.ratings import MemberRatingListApi

app_name = "reputation"

urlpatterns = [
    path(
        "members/<uuid:member_id>/ratings",
        MemberRatingListApi.as_view(),
        name="member-rating-list",
    ),
]
