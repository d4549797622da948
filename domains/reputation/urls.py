"""Reputation's URLs, mounted at ``/api/v1/reputation/``."""

from django.urls import path

from domains.reputation.api.flags import FlagListApi, FlagReviewApi
from domains.reputation.api.rating_edit import RatingEditApi
from domains.reputation.api.rating_give import RatingGiveApi
from domains.reputation.api.ratings import MemberRatingListApi
from domains.reputation.api.reputation import (
    MemberExplanationListApi,
    MemberReputationApi,
    MemberReputationHistoryListApi,
)

app_name = "reputation"

urlpatterns = [
    path("ratings", RatingGiveApi.as_view(), name="rating-give"),
    path("ratings/<uuid:rating_id>/edit", RatingEditApi.as_view(), name="rating-edit"),
    path(
        "members/<uuid:member_id>/ratings",
        MemberRatingListApi.as_view(),
        name="member-rating-list",
    ),
    path(
        "members/<uuid:member_id>/reputation",
        MemberReputationApi.as_view(),
        name="member-reputation",
    ),
    path(
        "members/<uuid:member_id>/reputation/explanation",
        MemberExplanationListApi.as_view(),
        name="member-explanation-list",
    ),
    path(
        "members/<uuid:member_id>/reputation/history",
        MemberReputationHistoryListApi.as_view(),
        name="member-reputation-history",
    ),
    path("flags", FlagListApi.as_view(), name="flag-list"),
    path("flags/<uuid:decision_id>/review", FlagReviewApi.as_view(), name="flag-review"),
]
