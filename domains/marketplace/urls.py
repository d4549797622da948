"""Marketplace's URLs, mounted at ``/api/v1/marketplace/``."""

from django.urls import path

from domains.marketplace.api import bookings, moderation, owners, ratings, spaces

app_name = "marketplace"

urlpatterns = [
    path("spaces", spaces.SpaceListApi.as_view(), name="space-list"),
    path("spaces/create", owners.SpaceCreateApi.as_view(), name="space-create"),
    path("spaces/<uuid:space_id>", spaces.SpaceDetailApi.as_view(), name="space-detail"),
    path(
        "spaces/<uuid:space_id>/availability",
        spaces.SpaceAvailabilityListApi.as_view(),
        name="space-availability",
    ),
    path("spaces/<uuid:space_id>/publish", owners.SpacePublishApi.as_view(), name="space-publish"),
    path(
        "spaces/<uuid:space_id>/credentials",
        owners.CredentialSubmitApi.as_view(),
        name="credential-submit",
    ),
    path(
        "spaces/<uuid:space_id>/ratings", ratings.SpaceRatingListApi.as_view(), name="rating-list"
    ),
    path(
        "credentials/pending",
        moderation.CredentialPendingListApi.as_view(),
        name="credential-pending-list",
    ),
    path(
        "credentials/<uuid:credential_id>/review",
        moderation.CredentialReviewApi.as_view(),
        name="credential-review",
    ),
    path(
        "credentials/<uuid:credential_id>/revoke",
        moderation.CredentialRevokeApi.as_view(),
        name="credential-revoke",
    ),
    path("bookings/hold", bookings.BookingHoldApi.as_view(), name="booking-hold"),
    path("bookings/mine", bookings.MyBookingListApi.as_view(), name="booking-mine-list"),
    path(
        "bookings/<uuid:booking_id>/confirm",
        bookings.BookingConfirmApi.as_view(),
        name="booking-confirm",
    ),
    path(
        "bookings/<uuid:booking_id>/cancel",
        bookings.BookingCancelApi.as_view(),
        name="booking-cancel",
    ),
    path("bookings/<uuid:booking_id>/rating", ratings.SpaceRateApi.as_view(), name="space-rate"),
    path(
        "ratings/<uuid:rating_id>/reply", ratings.SpaceRatingReplyApi.as_view(), name="rating-reply"
    ),
]
