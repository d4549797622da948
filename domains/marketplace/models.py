"""Marketplace's tables: spaces, their credentials, bookings and ratings.

No double booking is the database's job: on PostgreSQL an exclusion constraint
(``booking_no_overlap``, migration 0003, btree_gist) forbids two live bookings of one
seat whose blocked ranges [starts_at, blocked_until) overlap. SQLite has no such
constraint; there ``services.bookings`` serialises writers on the space row and checks
overlaps inside that lock (see docs/marketplace.md).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from domains.marketplace.domain.availability import InvalidOpeningHours, opening_hours_check
from domains.marketplace.domain.bookings import BookingStatus
from domains.marketplace.domain.credentials import CredentialKind, CredentialStatus
from domains.marketplace.domain.spaces import ACCESSIBILITY_FEATURES, SpaceStatus


def validate_accessibility(value) -> None:
    unknown = sorted(set(value) - ACCESSIBILITY_FEATURES) if isinstance(value, list) else None
    if unknown is None or unknown:
        raise ValidationError(
            "Use a list of: %(known)s.", params={"known": ", ".join(sorted(ACCESSIBILITY_FEATURES))}
        )


def validate_opening_hours(value) -> None:
    try:
        opening_hours_check(value)
    except InvalidOpeningHours as exc:
        raise ValidationError(str(exc)) from exc


class Space(models.Model):
    """A safe learning space a member offers, online or at a place."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_online = models.BooleanField(default=False)
    location = models.CharField(max_length=300, blank=True)
    #: People one booking may bring.
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    #: Units booked independently at the same time (desks, rooms); 1 = the whole space.
    seats = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    accessibility = models.JSONField(default=list, blank=True, validators=[validate_accessibility])
    opening_hours = models.JSONField(default=dict, blank=True, validators=[validate_opening_hours])
    timezone = models.CharField(max_length=64, default="UTC")
    buffer_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(240)])
    rules = models.TextField(blank=True)
    photo_urls = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.name.title()) for s in SpaceStatus],
        default=SpaceStatus.DRAFT,
        db_index=True,
    )
    rating_average = models.FloatField(null=True, blank=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="space_capacity_positive"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="space_seats_positive"),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(location=""), name="space_place_or_online"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpaceCredential(models.Model):
    """A safety certificate or insurance of a space, with its expiry, as a moderator judged it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(
        max_length=40, choices=[(k.value, k.name.title()) for k in CredentialKind]
    )
    issuer = models.CharField(max_length=200)
    reference = models.CharField(max_length=200)
    document_url = models.URLField(blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.name.title()) for s in CredentialStatus],
        default=CredentialStatus.PENDING,
    )
    reviewed_by = models.UUIDField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.status})"


class Booking(models.Model):
    """One seat of a space for [starts_at, ends_at), blocking it until ``blocked_until``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="bookings")
    member_id = models.UUIDField(db_index=True)
    seat = models.PositiveIntegerField(default=1)
    attendees = models.PositiveIntegerField(default=1)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    #: ``ends_at`` plus the space's buffer when booked: the range the constraint guards.
    blocked_until = models.DateTimeField()
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.name.title()) for s in BookingStatus],
        default=BookingStatus.HELD,
        db_index=True,
    )
    hold_expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation = models.CharField(max_length=20, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")), name="booking_blocked_covers_booking"
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_positive"),
        ]
        indexes = [models.Index(fields=["space", "starts_at"], name="booking_space_start")]

    def __str__(self) -> str:
        return f"{self.space_id} seat {self.seat} {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"


class SpaceRating(models.Model):
    """A member's rating of a space after their booking ended; the owner may reply."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="ratings")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="rating")
    member_id = models.UUIDField()
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    given_at = models.DateTimeField()
    owner_reply = models.TextField(blank=True, max_length=2000)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="space_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.space_id}"
