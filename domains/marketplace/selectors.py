"""Reads of marketplace data: search, availability, bookings, ratings, credentials."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from domains.marketplace.domain.availability import Slot, free_slots
from domains.marketplace.domain.bookings import BookingStatus
from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Booking, Space, SpaceCredential, SpaceRating
from domains.marketplace.services.errors import found


def credentials_lapsed(*, now: datetime) -> Q:
    """Spaces whose credentials all lapsed or were revoked by ``now``: one was verified
    once, none is valid now. A space that never had one (a legacy import, listed as
    legacy had it) is not concerned: it was never listed on the strength of one."""
    ever = SpaceCredential.objects.filter(
        space=OuterRef("pk"), status__in=(CredentialStatus.VERIFIED, CredentialStatus.REVOKED)
    )
    valid = SpaceCredential.objects.filter(
        space=OuterRef("pk"), status=CredentialStatus.VERIFIED, expires_at__gt=now
    )
    return Q(Exists(ever)) & ~Q(Exists(valid))


def _live_bookings(*, now: datetime) -> QuerySet[Booking]:
    """Bookings that block their seat at ``now``: confirmed, or held and not lapsed."""
    return Booking.objects.filter(
        Q(status=BookingStatus.CONFIRMED) | Q(status=BookingStatus.HELD, hold_expires_at__gt=now)
    )


def space_list(
    *,
    now: datetime,
    min_capacity: int | None = None,
    online: bool | None = None,
    place: str | None = None,
    accessibility: list[str] | None = None,
    min_rating: float | None = None,
    free_from: datetime | None = None,
    free_until: datetime | None = None,
    ranked: bool = True,
) -> QuerySet[Space]:
    """Listed spaces matching the filters, best rated first; drafts and suspended never show.

    ``ranked=False`` (``search_ranking`` degraded under load): the same spaces in a
    plain, stable order — by name, then id — with no ranking by rating.

    ``free_from``/``free_until``: at least one seat has no live booking overlapping that
    window. Accessibility is matched on the JSON list's text (features are a closed
    vocabulary of quoted names), which works on PostgreSQL and SQLite alike.
    """
    # A lapsed credential hides the space at once, before the beat task unlists it.
    queryset = Space.objects.filter(status=SpaceStatus.LISTED).exclude(credentials_lapsed(now=now))
    if min_capacity is not None:
        queryset = queryset.filter(capacity__gte=min_capacity)
    if online is not None:
        queryset = queryset.filter(is_online=online)
    if place:
        queryset = queryset.filter(location__icontains=place)
    if accessibility:
        queryset = queryset.annotate(_features=Cast("accessibility", TextField()))
        for feature in accessibility:
            queryset = queryset.filter(_features__contains=f'"{feature}"')
    if min_rating is not None:
        queryset = queryset.filter(rating_average__gte=min_rating)
    if free_from is not None and free_until is not None:
        busy = (
            _live_bookings(now=now)
            .filter(space=OuterRef("pk"), starts_at__lt=free_until, blocked_until__gt=free_from)
            .order_by()
            .values("space")
            .annotate(seats_taken=Count("seat", distinct=True))
            .values("seats_taken")
        )
        queryset = queryset.annotate(
            _busy=Coalesce(Subquery(busy, output_field=IntegerField()), Value(0))
        ).filter(_busy__lt=F("seats"))
    if not ranked:
        return queryset.order_by("name", "id")
    return queryset.order_by(F("rating_average").desc(nulls_last=True), "name", "id")


def space_get_listed(*, space_id: UUID) -> Space:
    """The listed space, or ``Missing`` (404): an unlisted one is not shown either."""
    return found(Space.objects.filter(status=SpaceStatus.LISTED), pk=space_id)


def space_availability(
    *, space: Space, start: datetime, end: datetime, duration: timedelta, now: datetime
) -> list[Slot]:
    """Free slots of ``duration`` in [start, end): opening hours minus live bookings;
    none once the space's credentials lapsed (it cannot be booked)."""
    if Space.objects.filter(pk=space.pk).filter(credentials_lapsed(now=now)).exists():
        return []
    blocked = list(
        _live_bookings(now=now)
        .filter(space=space, starts_at__lt=end + duration, blocked_until__gt=start)
        .values_list("seat", "starts_at", "blocked_until")
    )
    return free_slots(
        hours=space.opening_hours,
        tz=space.timezone,
        start=start,
        end=end,
        duration=duration,
        step=timedelta(minutes=settings.MARKETPLACE_SLOT_STEP_MINUTES),
        buffer=timedelta(minutes=space.buffer_minutes),
        seats=space.seats,
        blocked=blocked,
        not_before=now,
    )


def booking_list_for_member(*, member_id: UUID) -> QuerySet[Booking]:
    return Booking.objects.filter(member_id=member_id).order_by("-starts_at", "id")


def space_rating_list(*, space_id: UUID) -> QuerySet[SpaceRating]:
    return SpaceRating.objects.filter(space_id=space_id, space__status=SpaceStatus.LISTED)


def credential_list_pending() -> QuerySet[SpaceCredential]:
    return SpaceCredential.objects.filter(status=CredentialStatus.PENDING).order_by(
        "submitted_at", "id"
    )
