"""Booking states and the cancellation policy, as plain rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class BookingStatus(StrEnum):
    #: Held for the checkout window; blocks the seat until confirmed or expired.
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    #: A hold whose checkout window passed; frees the seat.
    EXPIRED = "expired"
    COMPLETED = "completed"


#: States that occupy a seat (the exclusion constraint's predicate says the same).
BLOCKING = (BookingStatus.HELD, BookingStatus.CONFIRMED)


class CancellationOutcome(StrEnum):
    FREE = "free"
    LATE = "late"


def cancellation_outcome(
    *, starts_at: datetime, now: datetime, free_until_before: timedelta
) -> CancellationOutcome | None:
    """Free up to ``free_until_before`` before the start, late after it, and None
    (not cancellable) once the booking has started."""
    if now >= starts_at:
        return None
    if now <= starts_at - free_until_before:
        return CancellationOutcome.FREE
    return CancellationOutcome.LATE
