"""Reputation's URLs, mounted at ``/api/v1/reputation/``."""

from django.urls import path

from domains.reputation.api.rating_give import RatingGiveApi
from domains.reputation.api.ratings import MemberRatingListApi

app_name = "reputation"

urlpatterns = [
    path("ratings", RatingGiveApi.as_view(), name="rating-give"),
    path(
        "members/<uuid:member_id>/ratings",
        MemberRatingListApi.as_view(),
        name="member-rating-list",
    ),
]
