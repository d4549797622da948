"""Bookings of spaces: a member's bookings, and booking a space for a time range.

``booking_port()`` gives the legacy implementation (legacy ``/api/bookings`` through the
client and the ACL) or the new one (the marketplace's published booking endpoints, in
process), as ``LEGACY_PORTS["bookings"]`` says. Both answer ``BOOKING_FIELDS`` in the
new API's shapes (ids as UUIDs, times as UTC ISO 8601) and refuse with
``BookingRefused`` of the same ``kind``: ``not_found`` (no such space, or one the legacy
system cannot name), ``invalid`` (ends before it starts, starts in the past),
``conflict`` (the range overlaps a booking of the space).

Acting for someone: ``authorization`` (the caller's ``Authorization`` header value) is
passed to the new side, where the marketplace books for the member the token names and
shows a member only their own bookings; a ``member_id`` other than the token's is
refused (``forbidden``) and the hold released. The legacy side ignores it: the legacy
system trusts its network and books for whichever member it is told.

Where the sides differ, and what the port does about it:

- Legacy books in one step; the new side holds a slot, then confirms it. The new
  implementation does both, so a booking through the port is a confirmed booking; a
  hold whose confirmation is refused is cancelled at once (not left to lapse).
- Legacy has no overlap rule (its ``POST /api/bookings`` stores any range) and the
  ACL cannot add one to it, so the legacy implementation checks the space's bookings
  itself, **serialised per space by a lock in our database** (a PostgreSQL advisory
  lock held in a ``default`` transaction; SQLite's single write lock on the embedded
  run) around read-then-write: two callers going through this port never both book
  one slot. A writer that bypasses the port (legacy's own screens) is not covered —
  only the legacy system could close that gap. The lock is held during the legacy
  call, which the client's timeouts bound.
- Legacy has no booking status; the new side has holds, cancellations and completed
  bookings. The port lists the bookings that stand: confirmed or completed ones.
- Legacy keeps times to the minute: the port refuses a time with seconds as
  ``invalid`` on both sides (rather than legacy silently moving it), and a range that
  does not start in the future and end after it starts (the marketplace's rule; legacy
  had none).
- The new side also refuses what legacy data cannot express: a space without a
  verified credential or outside its opening hours (``conflict``/``invalid``), ranges
  over 7 days or beyond two years. Those rules are the marketplace's; the legacy side
  never had them, and the port does not invent them there.
- Listing: legacy filters bookings by space only, so the legacy implementation pages
  through all bookings to find a member's (fine for the transition's volumes; the new
  side answers from an index). A space's bookings are not listed by the port: the
  marketplace publishes no such endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from legacy_adapter.acl.commands import (
    UnknownToLegacy,
    booking_create_to_legacy,
)
from legacy_adapter.acl.resources import booking_from_legacy
from legacy_adapter.acl.values import number_for, parse_local
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import BookingRefused, legacy_refusal, refusal_for
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

BOOKING_FIELDS = ("id", "space_id", "member_id", "starts_at", "ends_at")
#: New-side statuses of a booking that stands (legacy knows no other kind).
STANDING = ("confirmed", "completed")
#: First key of the advisory lock that serialises legacy bookings of one space.
_LOCK_CLASS = 0x1E9AC0DE & 0x7FFFFFFF


class BookingPort(Protocol):
    def bookings_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]: ...

    def booking_create(
        self, *, space_id: UUID, member_id: UUID, starts_at: datetime, ends_at: datetime,
        authorization: str | None = None,
    ) -> dict: ...  # fmt: skip


def _utc(value: str | datetime) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(UTC).isoformat()


def _fields(booking: dict) -> dict:
    return {
        "id": str(booking["id"]),
        "space_id": str(booking["space_id"]),
        "member_id": str(booking["member_id"]),
        "starts_at": _utc(booking["starts_at"]),
        "ends_at": _utc(booking["ends_at"]),
    }


def _check_range(starts_at: datetime, ends_at: datetime) -> None:
    """The port's own rules on a range, the same before either side is asked."""
    if any(t.second or t.microsecond for t in (starts_at, ends_at)):
        raise BookingRefused("invalid", "Bookings start and end on a whole minute.")
    if not timezone.now() <= starts_at < ends_at:
        raise BookingRefused("invalid", "A booking starts in the future and ends after it starts.")


@contextmanager
def _space_serialised(space_no: int) -> Iterator[None]:
    """One legacy booking of space ``space_no`` at a time, across every process."""
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, space_no])
        # SQLite: the transaction began IMMEDIATE (config/databases.py), holding the
        # database's only write lock until it ends.
        yield


class LegacyBookings:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:bookings")

    def _all(self, **filters) -> Iterator[dict]:
        return legacy_side.items(
            self.client, "/api/bookings", number_field="booking_no", query=filters, page_size=500
        )

    def bookings_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]:
        number = number_for("user", member_id)
        if number is None:
            return []
        return [_fields(booking_from_legacy(b)) for b in self._all() if b["user_no"] == number]

    def booking_create(
        self, *, space_id: UUID, member_id: UUID, starts_at: datetime, ends_at: datetime,
        authorization: str | None = None,
    ) -> dict:  # fmt: skip
        _check_range(starts_at, ends_at)
        try:
            body = booking_create_to_legacy(
                space_id=space_id, member_id=member_id, starts_at=starts_at, ends_at=ends_at
            )
        except UnknownToLegacy as exc:
            raise BookingRefused("not_found", str(exc)) from exc
        with _space_serialised(body["space_no"]):
            for other in self._all(space_no=body["space_no"]):
                if (
                    parse_local(other["starts"]) < ends_at
                    and parse_local(other["ends"]) > starts_at
                ):
                    raise BookingRefused("conflict", "This time is already booked; pick another.")
            answer = self.client.request("POST", "/api/bookings", json_body=body)
        if answer.status != 201:
            raise legacy_refusal(BookingRefused, answer)
        return _fields(booking_from_legacy(answer.json()))


class NewBookings:
    """The marketplace's booking endpoints, in process, for the caller ``authorization``."""

    def bookings_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]:
        status, bookings = new_side.pages(
            "/api/v1/marketplace/bookings/mine", authorization=authorization
        )
        if status != 200:
            raise refusal_for(BookingRefused, status, None)
        return [
            _fields(b)
            for b in bookings
            if b["status"] in STANDING and b["member_id"] == str(member_id)
        ]

    def booking_create(
        self, *, space_id: UUID, member_id: UUID, starts_at: datetime, ends_at: datetime,
        authorization: str | None = None,
    ) -> dict:  # fmt: skip
        _check_range(starts_at, ends_at)
        command = {
            "space_id": str(space_id),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        }
        status, held = new_side.post(
            "/api/v1/marketplace/bookings/hold", command, authorization=authorization
        )
        if status != 201:
            raise refusal_for(BookingRefused, status, held)
        bookings = f"/api/v1/marketplace/bookings/{held['id']}"
        if held["member_id"] != str(member_id):
            new_side.post(f"{bookings}/cancel", {}, authorization=authorization)
            raise BookingRefused("forbidden", "A member books for themselves only.")
        status, confirmed = new_side.post(f"{bookings}/confirm", {}, authorization=authorization)
        if status != 200:
            new_side.post(f"{bookings}/cancel", {}, authorization=authorization)
            raise refusal_for(BookingRefused, status, confirmed)
        return _fields(confirmed)


def booking_port() -> BookingPort:
    return NewBookings() if uses_new("bookings") else LegacyBookings()
