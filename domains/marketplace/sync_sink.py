"""Spaces and bookings copied from the legacy system during the transition
(``LEGACY_SYNC_SINKS["spaces"]`` and ``["bookings"]``).

The sinks receive records already in the new API's shape, keyed by stable ids; the
legacy adapter translated them, the marketplace never sees a legacy shape. They write
through ``space_import`` and ``booking_import``, so spaces are validated like any other
and bookings stay under the no-overlap rule: a legacy booking that overlaps a live one
is **skipped and reported** (``problems``), as is one whose space was not copied yet.
Each record is written in its own transaction, so one refusal never half-writes a page.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone

from common.sync_sinks import Skip, upsert_each
from domains.marketplace.models import Booking, Space
from domains.marketplace.services import ALIAS
from domains.marketplace.services.bookings import booking_import
from domains.marketplace.services.errors import MarketplaceRefused, Missing
from domains.marketplace.services.spaces import space_import

SPACE_FIELDS = ("name", "description", "is_online", "location", "capacity", "status")


class SpaceSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write_space)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        return {str(s.pk): _space(s) for s in Space.objects.using(ALIAS).filter(pk__in=ids)}


class BookingSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write_booking)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        bookings = Booking.objects.using(ALIAS).filter(pk__in=ids)
        return {str(b.pk): _booking(b) for b in bookings}


def _write_space(record: dict, before: dict | None) -> None:
    try:
        space_import(
            space_id=UUID(record["id"]),
            now=timezone.now(),
            owner_id=UUID(record["owner_id"]),
            accessibility=record["accessibility"],
            **{name: record[name] for name in SPACE_FIELDS},
        )
    except ValidationError as exc:
        raise Skip(f"space {record['id']}: {_message(exc)}") from exc


def _write_booking(record: dict, before: dict | None) -> None:
    try:
        booking_import(
            booking_id=UUID(record["id"]),
            space_id=UUID(record["space_id"]),
            member_id=UUID(record["member_id"]),
            starts_at=datetime.fromisoformat(record["starts_at"]),
            ends_at=datetime.fromisoformat(record["ends_at"]),
            now=timezone.now(),
        )
    except Missing as exc:
        raise Skip(
            f"booking {record['id']}: space {record['space_id']} is not copied yet "
            "(sync spaces first)"
        ) from exc
    except MarketplaceRefused as exc:
        raise Skip(
            f"booking {record['id']} ({record['starts_at']} to {record['ends_at']}): {exc}"
        ) from exc


def _space(space: Space) -> dict:
    return {
        "id": str(space.pk),
        "owner_id": str(space.owner_id),
        **{name: getattr(space, name) for name in SPACE_FIELDS},
        "accessibility": space.accessibility,
    }


def _booking(booking: Booking) -> dict:
    return {
        "id": str(booking.pk),
        "space_id": str(booking.space_id),
        "member_id": str(booking.member_id),
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
    }


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
