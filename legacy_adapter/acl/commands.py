"""Write commands in the legacy contract's shape.

A port's legacy implementation takes a command in the new API's terms (UUIDs, ISO
datetimes in UTC, the 1-5 score, lowercase choices) and sends it in the legacy shape
(numbers, local wall-clock strings, 1-10 stars, uppercase choices). An id born on the
new side has no legacy number: ``UnknownToLegacy`` names it, since the legacy contract
cannot express the command at all. (Legacy refusals come back the other way through
``values.legacy_error_to_problem``.)
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from legacy_adapter.acl.values import (
    format_local,
    number_for,
    score_to_stars,
)


class UnknownToLegacy(ValueError):
    """An id the legacy system cannot name (a record born on the new side)."""

    def __init__(self, kind: str, value: UUID | str) -> None:
        super().__init__(f"{kind} {value} is unknown to the legacy system")
        self.kind, self.value = kind, value


def legacy_number(kind: str, value: UUID | str) -> int:
    number = number_for(kind, value)
    if number is None:
        raise UnknownToLegacy(kind, value)
    return number


def booking_create_to_legacy(
    *, space_id: UUID, member_id: UUID, starts_at: datetime, ends_at: datetime
) -> dict:
    """The body of legacy ``POST /api/bookings``."""
    return {
        "space_no": legacy_number("space", space_id),
        "user_no": legacy_number("user", member_id),
        "from": format_local(starts_at),
        "to": format_local(ends_at),
    }


def vote_cast_to_legacy(*, member_id: UUID, choice: str) -> dict:
    """The body of legacy ``POST /api/proposals/{n}/votes`` (choices in upper case)."""
    return {"user_no": legacy_number("user", member_id), "choice": choice.upper()}


def rating_give_to_legacy(*, rater_id: UUID, ratee_id: UUID, score: int, comment: str) -> dict:
    """The body of legacy ``POST /api/ratings``: the 1-5 score as 1-10 stars."""
    return {
        "from_user": legacy_number("user", rater_id),
        "to_user": legacy_number("user", ratee_id),
        "stars": score_to_stars(score),
        "remark": comment,
    }
