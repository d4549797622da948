"""How a hold learns that a seat is taken: one strategy per database, chosen at start-up.

The composition root (``config.composition``) installs the one that fits the
marketplace database, so ``bookings`` has no database branch:

- ``ExclusionConstraintSeats`` (PostgreSQL): nothing to lock or read first; each seat is
  tried in a savepoint and the exclusion constraint ``booking_no_overlap`` refuses a
  collision, so of 50 concurrent holds of one slot exactly one commits.
- ``WriteLockSeats`` (SQLite, the embedded run): there is no exclusion constraint.
  Every transaction begins IMMEDIATE (config/databases.py), taking SQLite's single write
  lock, and the hold writes the space row before reading anything (so the lock is held
  even under a deferred transaction mode); overlaps are then checked while the lock is
  held, so two holds cannot interleave (raced in the SQLite booking race test).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.db.models import F

from common.ports import Port
from domains.marketplace.domain.bookings import BLOCKING
from domains.marketplace.models import Booking, Space
from domains.marketplace.services import ALIAS


class SeatGuard(Protocol):
    def lock_space(self, space_id: UUID) -> None:
        """Called first in the transaction, before any read of the space's bookings."""

    def may_take(
        self, *, space_id: UUID, seat: int, starts_at: datetime, blocked_until: datetime,
        other_than: UUID | None = None,
    ) -> bool:  # fmt: skip
        """False when ``seat`` is known to be blocked; True lets the write decide."""


class ExclusionConstraintSeats:
    """PostgreSQL: the constraint decides at the write; nothing before it."""

    def lock_space(self, space_id: UUID) -> None:
        return None

    def may_take(self, **_: object) -> bool:
        return True


class WriteLockSeats:
    """SQLite: take the database's write lock first, then read the overlaps under it."""

    def lock_space(self, space_id: UUID) -> None:
        Space.objects.using(ALIAS).filter(pk=space_id).update(seats=F("seats"))

    def may_take(
        self, *, space_id: UUID, seat: int, starts_at: datetime, blocked_until: datetime,
        other_than: UUID | None = None,
    ) -> bool:  # fmt: skip
        blocking = (
            Booking.objects.using(ALIAS)
            .filter(space_id=space_id, seat=seat, status__in=BLOCKING)
            .filter(starts_at__lt=blocked_until, blocked_until__gt=starts_at)
        )
        if other_than is not None:
            blocking = blocking.exclude(pk=other_than)
        return not blocking.exists()


#: The strategy for each database vendor Django may report for the marketplace alias.
FOR_VENDOR: dict[str, type[SeatGuard]] = {
    "postgresql": ExclusionConstraintSeats,
    "sqlite": WriteLockSeats,
}

_port: Port[SeatGuard] = Port("seat strategy")
#: Set the process's seat strategy (the composition root, at start-up).
install = _port.install
#: The process's seat strategy.
installed = _port.installed
