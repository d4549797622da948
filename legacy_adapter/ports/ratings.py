"""Ratings between members: the ratings that count for a member, and giving one.

``rating_port()`` gives the legacy implementation (legacy ``/api/ratings`` through the
client and the ACL) or the new one (reputation's published endpoints, in process), as
``LEGACY_PORTS["ratings"]`` says. Both answer ``RATING_FIELDS`` in the new API's shapes
— the score on the new 1-5 scale (legacy's 1-10 stars are converted by the ACL both
ways) — and refuse with ``RatingRefused`` of the same ``kind``: ``invalid`` (a member
rating themselves, a score off the scale), ``not_found`` (a member the legacy system
cannot name).

Acting for someone: ``authorization`` (the caller's ``Authorization`` header value) is
passed to the new side, where reading ratings needs ``rating.read`` and giving one
``rating.give``, and the rater is the member the token names (``rater_id`` must be the
caller's own id). The legacy side ignores it: the legacy system trusts its network and
records whichever rater it is told.

Where the sides differ, and what the port does about it:

- Which ratings count: reputation lists those of the last ``RATING_WINDOW`` (30 days)
  only; legacy lists all. The legacy implementation keeps the same window, so both
  answer the ratings that count now.
- Legacy has no rule against rating oneself: the port refuses it (``invalid``) before
  either side is asked, as reputation does, and a score outside 1-5 likewise.
- Context: reputation keeps one rating per rater, member and context
  (``context_type``/``context_id``); legacy has no context and keeps every rating. A
  rating given through the port is its own context (``port_rating``, a fresh id), so
  on both sides a second rating of the same member is a second rating.
- Times: legacy keeps the minute; ``given_at`` is answered to the minute on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid4

from django.utils import timezone

from legacy_adapter.acl.commands import (
    UnknownToLegacy,
    rating_give_to_legacy,
)
from legacy_adapter.acl.resources import rating_from_legacy
from legacy_adapter.acl.values import number_for
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import RatingRefused, legacy_refusal, refusal_for
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

RATING_FIELDS = ("id", "rater_id", "ratee_id", "score", "comment", "given_at")
#: How long a rating counts (reputation's ``RATING_LIFETIME``).
RATING_WINDOW = timedelta(days=30)
#: The context of a rating given through the port: one of its own.
PORT_CONTEXT = "port_rating"
MIN_SCORE, MAX_SCORE = 1, 5


class RatingPort(Protocol):
    def ratings_for(self, *, member_id: UUID, authorization: str | None = None) -> list[dict]: ...

    def rating_give(
        self, *, rater_id: UUID, ratee_id: UUID, score: int, comment: str = "",
        authorization: str | None = None,
    ) -> dict: ...  # fmt: skip


def _minute(value: str) -> datetime:
    given = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return given.replace(second=0, microsecond=0)


def _fields(rating: dict) -> dict:
    return {
        "id": str(rating["id"]),
        "rater_id": str(rating["rater_id"]),
        "ratee_id": str(rating["ratee_id"]),
        "score": int(rating["score"]),
        "comment": rating["comment"],
        "given_at": _minute(rating["given_at"]).isoformat(),
    }


def _check(*, rater_id: UUID, ratee_id: UUID, score: int) -> None:
    if str(rater_id) == str(ratee_id):
        raise RatingRefused("invalid", "A member cannot rate themselves.")
    if not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        detail = f"The score is a whole number from {MIN_SCORE} to {MAX_SCORE}."
        raise RatingRefused("invalid", detail)


class LegacyRatings:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:ratings")

    def _of(self, number: int) -> Iterator[dict]:
        return legacy_side.items(
            self.client, "/api/ratings", number_field="rating_no", query={"to_user": number},
            page_size=500,
        )  # fmt: skip

    def ratings_for(self, *, member_id: UUID, authorization: str | None = None) -> list[dict]:
        number = number_for("user", member_id)
        if number is None:
            return []
        now = timezone.now()
        ratings = [_fields(rating_from_legacy(r)) for r in self._of(number)]
        return [
            r for r in ratings if now - RATING_WINDOW < datetime.fromisoformat(r["given_at"]) <= now
        ]

    def rating_give(
        self, *, rater_id: UUID, ratee_id: UUID, score: int, comment: str = "",
        authorization: str | None = None,
    ) -> dict:  # fmt: skip
        _check(rater_id=rater_id, ratee_id=ratee_id, score=score)
        try:
            body = rating_give_to_legacy(
                rater_id=rater_id, ratee_id=ratee_id, score=score, comment=comment
            )
        except UnknownToLegacy as exc:
            raise RatingRefused("not_found", str(exc)) from exc
        answer = self.client.request("POST", "/api/ratings", json_body=body)
        if answer.status != 201:
            raise legacy_refusal(RatingRefused, answer)
        return _fields(rating_from_legacy(answer.json()))


class NewRatings:
    """Reputation's rating endpoints, in process, for the caller ``authorization``."""

    def ratings_for(self, *, member_id: UUID, authorization: str | None = None) -> list[dict]:
        status, ratings = new_side.pages(
            f"/api/v1/reputation/members/{member_id}/ratings", authorization=authorization
        )
        if status != 200:
            raise refusal_for(RatingRefused, status, None)
        return [_fields(r) for r in ratings]

    def rating_give(
        self, *, rater_id: UUID, ratee_id: UUID, score: int, comment: str = "",
        authorization: str | None = None,
    ) -> dict:  # fmt: skip
        _check(rater_id=rater_id, ratee_id=ratee_id, score=score)
        command = {
            "ratee_id": str(ratee_id),
            "context_type": PORT_CONTEXT,
            "context_id": str(uuid4()),
            "score": score,
            "comment": comment,
        }
        status, body = new_side.post(
            "/api/v1/reputation/ratings", command, authorization=authorization
        )
        if status != 201:
            raise refusal_for(RatingRefused, status, body)
        return _fields(body)


def rating_port() -> RatingPort:
    return NewRatings() if uses_new("ratings") else LegacyRatings()
