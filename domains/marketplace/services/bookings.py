"""Holding, confirming, cancelling and completing bookings.

A hold takes the first free seat for the range. Which seat is free is decided by the
database, not by a prior unlocked read: each seat is tried in a savepoint, and a
collision is refused by the exclusion constraint ``booking_no_overlap`` (SQLSTATE
23P01, PostgreSQL) or found while holding the database's write lock (SQLite). The
strategy (``seats``) is installed once at start-up by the composition root, so this
module has no database branch.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction

from contracts.marketplace.v1 import BookingCancelled, BookingCompleted, BookingConfirmed
from domains.marketplace.domain.availability import within_opening_hours
from domains.marketplace.domain.bookings import BLOCKING, BookingStatus, cancellation_outcome
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.metrics import BOOKINGS
from domains.marketplace.models import Booking, Space
from domains.marketplace.services import ALIAS, PRODUCER, seats
from domains.marketplace.services.errors import (
    InvalidRequest,
    NotAllowed,
    SlotTaken,
    StateConflict,
    found,
)
from domains.marketplace.services.spaces import space_credentials_allow_booking
from eventing.outbox import outbox_publish

EXCLUSION_VIOLATION = "23P01"
MAX_BOOKING = timedelta(days=7)
#: How far ahead a slot can be held.
HORIZON = timedelta(days=730)


def _release_lapsed_holds(*, space_id: UUID, now: datetime) -> None:
    Booking.objects.using(ALIAS).filter(
        space_id=space_id, status=BookingStatus.HELD, hold_expires_at__lte=now
    ).update(status=BookingStatus.EXPIRED)


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == EXCLUSION_VIOLATION


def _check_request(*, space: Space, starts_at: datetime, ends_at: datetime, attendees: int, now):
    if space.status != SpaceStatus.LISTED or not space_credentials_allow_booking(
        space=space, at=now
    ):
        raise StateConflict(
            "This space cannot be booked now: it is not listed or has no valid, "
            "verified credential."
        )
    if (
        not now <= starts_at < ends_at
        or ends_at - starts_at > MAX_BOOKING
        or starts_at - now > HORIZON
    ):
        raise InvalidRequest(
            "A booking starts in the future (within two years) and ends after it starts, "
            "within 7 days.",
            field="starts_at",
        )
    if attendees > space.capacity:
        raise InvalidRequest(
            f"This space takes at most {space.capacity} people.", field="attendees"
        )
    if not within_opening_hours(
        hours=space.opening_hours, tz=space.timezone, starts_at=starts_at, ends_at=ends_at
    ):
        raise InvalidRequest("The space is not open for the whole range.", field="ends_at")


def booking_hold(
    *,
    space_id: UUID,
    member_id: UUID,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int = 1,
    now: datetime,
) -> Booking:
    """Hold a seat of the space for [starts_at, ends_at) for the checkout window.

    Raises ``Missing`` (no such space), ``InvalidRequest``, ``StateConflict`` (not bookable)
    or ``SlotTaken`` (every seat is blocked for an overlapping range).
    """
    guard = seats.installed()
    with transaction.atomic(using=ALIAS):
        guard.lock_space(space_id)
        space = found(Space.objects.using(ALIAS), pk=space_id)
        _check_request(
            space=space, starts_at=starts_at, ends_at=ends_at, attendees=attendees, now=now
        )
        _release_lapsed_holds(space_id=space.pk, now=now)
        blocked_until = ends_at + timedelta(minutes=space.buffer_minutes)
        for seat in range(1, space.seats + 1):
            if not guard.may_take(
                space_id=space.pk, seat=seat, starts_at=starts_at, blocked_until=blocked_until
            ):
                continue
            try:
                with transaction.atomic(using=ALIAS):
                    return Booking.objects.using(ALIAS).create(
                        space=space,
                        member_id=member_id,
                        seat=seat,
                        attendees=attendees,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        blocked_until=blocked_until,
                        hold_expires_at=now + timedelta(minutes=settings.MARKETPLACE_HOLD_MINUTES),
                        created_at=now,
                    )
            except IntegrityError as exc:
                if not _is_exclusion_violation(exc):
                    raise
    raise SlotTaken("This time is already booked (including the space's buffer); pick another.")


def booking_import(
    *, booking_id: UUID, space_id: UUID, member_id: UUID, starts_at: datetime,
    ends_at: datetime, now: datetime,
) -> Booking:  # fmt: skip
    """Create or move the confirmed booking ``booking_id`` as another system of record has
    it (the legacy copy during the transition): past or future, no hold, no opening-hours
    or credential check — but never overlapping a live booking. The seat is the first
    free one, chosen as ``booking_hold`` chooses it (the installed ``seats`` strategy);
    a new booking is announced as ``BookingConfirmed``.

    Raises ``Missing`` (no such space), ``InvalidRequest`` (ends before it starts) or
    ``SlotTaken`` (every seat is blocked for an overlapping range).
    """
    if ends_at <= starts_at:
        raise InvalidRequest("A booking ends after it starts.", field="ends_at")
    guard = seats.installed()
    with transaction.atomic(using=ALIAS):
        guard.lock_space(space_id)
        space = found(Space.objects.using(ALIAS), pk=space_id)
        booking = Booking.objects.using(ALIAS).select_for_update().filter(pk=booking_id).first()
        created = booking is None
        if created:
            booking = Booking(
                id=booking_id, status=BookingStatus.CONFIRMED, created_at=now,
                confirmed_at=now, hold_expires_at=now,
            )  # fmt: skip
        booking.space, booking.member_id = space, member_id
        booking.starts_at, booking.ends_at = starts_at, ends_at
        booking.blocked_until = ends_at + timedelta(minutes=space.buffer_minutes)
        for seat in range(1, space.seats + 1):
            if not guard.may_take(
                space_id=space.pk, seat=seat, starts_at=starts_at,
                blocked_until=booking.blocked_until, other_than=booking.pk,
            ):  # fmt: skip
                continue
            booking.seat = seat
            try:
                with transaction.atomic(using=ALIAS):
                    booking.save(using=ALIAS)
            except IntegrityError as exc:
                if not _is_exclusion_violation(exc):
                    raise
                continue
            if created:
                _announce(booking, BookingConfirmed)
            return booking
    raise SlotTaken("This time is already booked (including the space's buffer).")


def _announce(booking: Booking, event_class, **extra) -> None:
    """Publish ``event_class`` about ``booking`` through the outbox, in the caller's
    transaction (so the event leaves only if the change commits)."""
    event = event_class(
        booking_id=booking.pk,
        space_id=booking.space_id,
        member_id=booking.member_id,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        **extra,
    )
    outbox_publish(alias=ALIAS, producer=PRODUCER, aggregate_id=str(booking.pk), event=event)


def _locked_own_booking(*, booking_id: UUID, member_id: UUID) -> Booking:
    booking = found(Booking.objects.using(ALIAS).select_for_update(), pk=booking_id)
    if booking.member_id != member_id:
        raise NotAllowed("This is someone else's booking.")
    return booking


def booking_confirm(*, booking_id: UUID, member_id: UUID, now: datetime) -> Booking:
    """Confirm one's own hold while its checkout window is open and the space still bookable."""
    with transaction.atomic(using=ALIAS):
        booking = _locked_own_booking(booking_id=booking_id, member_id=member_id)
        if booking.status == BookingStatus.CONFIRMED:
            return booking
        if booking.status != BookingStatus.HELD or booking.hold_expires_at <= now:
            raise StateConflict("This hold has lapsed or ended; hold the slot again.")
        if not space_credentials_allow_booking(space=booking.space, at=now):
            raise StateConflict("The space's credential is no longer valid.")
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
        booking.save(using=ALIAS, update_fields=["status", "confirmed_at"])
        _announce(booking, BookingConfirmed)
        transaction.on_commit(BOOKINGS.labels(outcome="confirmed").inc, using=ALIAS)
    return booking


def booking_cancel(
    *, booking_id: UUID, member_id: UUID, reason: str = "", now: datetime
) -> Booking:
    """Cancel one's own hold or booking before it starts; the policy says free or late."""
    with transaction.atomic(using=ALIAS):
        booking = _locked_own_booking(booking_id=booking_id, member_id=member_id)
        if booking.status not in BLOCKING:
            raise StateConflict(f"This booking is {booking.status}; it cannot be cancelled.")
        outcome = cancellation_outcome(
            starts_at=booking.starts_at,
            now=now,
            free_until_before=timedelta(hours=settings.MARKETPLACE_FREE_CANCELLATION_HOURS),
        )
        if outcome is None:
            raise StateConflict("This booking has started; it can no longer be cancelled.")
        was_confirmed = booking.status == BookingStatus.CONFIRMED
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancellation = outcome
        booking.cancellation_reason = reason
        booking.save(
            using=ALIAS,
            update_fields=["status", "cancelled_at", "cancellation", "cancellation_reason"],
        )
        if was_confirmed:
            _announce(booking, BookingCancelled, reason=reason)
        transaction.on_commit(BOOKINGS.labels(outcome="cancelled").inc, using=ALIAS)
    return booking


def bookings_complete_due(*, now: datetime, limit: int = 500) -> int:
    """Mark confirmed bookings that have ended as completed, publishing each; how many."""
    with transaction.atomic(using=ALIAS):
        due = list(
            Booking.objects.using(ALIAS)
            .select_for_update(skip_locked=True)
            .filter(status=BookingStatus.CONFIRMED, ends_at__lte=now)
            .order_by("ends_at")[:limit]
        )
        for booking in due:
            booking.status = BookingStatus.COMPLETED
            booking.save(using=ALIAS, update_fields=["status"])
            _announce(booking, BookingCompleted)
        if due:
            transaction.on_commit(
                lambda: BOOKINGS.labels(outcome="completed").inc(len(due)), using=ALIAS
            )
    return len(due)
