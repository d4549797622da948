"""Value translations shared by every resource: ids, dates, the rating scale, errors.

Ids: a legacy record keeps its number inside a reversible UUID (version 8, a fixed
``1e9ac0de`` prefix and a resource code), so a backfilled record has a stable id on
the new side, a rerun of the backfill finds it again, and a new-side answer about it
translates back to the legacy number without a lookup table. Records born on the new
side (random UUIDs) have no legacy number: the legacy contract cannot name them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

#: The legacy system writes local wall-clock time, day first.
LEGACY_TZ = ZoneInfo("Europe/Paris")
LEGACY_DATE_FORMAT = "%d.%m.%Y %H:%M"

_PREFIX = "1e9ac0de"
KINDS = {
    "user": 1, "space": 2, "booking": 3, "proposal": 4, "vote": 5, "rating": 6, "activity": 7,
}  # fmt: skip


def uuid_for(kind: str, number: int) -> UUID:
    """The new-side id of legacy record ``number`` of ``kind``."""
    return UUID(f"{_PREFIX}-{KINDS[kind]:04x}-8000-8000-{int(number):012x}")


def number_for(kind: str, value: UUID | str | None) -> int | None:
    """The legacy number behind a new-side id, or None for a record born on the new side."""
    if value is None:
        return None
    text = str(value)
    if not text.startswith(f"{_PREFIX}-{KINDS[kind]:04x}-"):
        return None
    return int(text.rsplit("-", 1)[1], 16)


def parse_local(text: str) -> datetime:
    """``28.11.2026 10:15`` (Paris wall clock) as an aware UTC datetime."""
    return datetime.strptime(text, LEGACY_DATE_FORMAT).replace(tzinfo=LEGACY_TZ).astimezone(UTC)


def format_local(value: datetime | str) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(LEGACY_TZ).strftime(LEGACY_DATE_FORMAT)


def stars_to_score(stars: int) -> int:
    """Legacy 1-10 stars to the new 1-5 score (pairs of stars round up)."""
    return (int(stars) + 1) // 2


def score_to_stars(score: int) -> int:
    return int(score) * 2


def problem_to_legacy_error(status: int, problem: dict | None) -> dict:
    """An RFC 9457 problem document as the legacy ``{"error": {code, message}}``."""
    problem = problem or {}
    message = problem.get("detail") or problem.get("title") or "error"
    return {"error": {"code": f"E{status}", "message": str(message)}}


def legacy_error_to_problem(status: int, body: object) -> dict:
    """A legacy error answer as the problem document the new side would have answered
    (a body that is not the legacy ``{"error": ...}`` shape gives an empty ``detail``)."""
    error = (body.get("error") if isinstance(body, dict) else None) or {}
    return {"type": "about:blank", "status": status, "detail": error.get("message", "")}
