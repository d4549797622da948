"""Ratings copied from the legacy system during the transition (``LEGACY_SYNC_SINKS["ratings"]``).

The sink receives records already in the new API's shape (``id``, ``rater_id``,
``ratee_id``, ``score`` on the 1-5 scale, ``comment``, ``given_at``) keyed by stable
ids; the legacy adapter translated them, reputation never sees a legacy shape. Each
is written to the rated member's ledger through ``rating_import`` (``RatingGiven``
with the stable id, or ``RatingCorrected`` when legacy changed it), so the ledger's
rules, the read model, the anti-fraud rules and the published ``RatingRecorded`` all
hold. A rating the rules refuse (a member rating themselves) or one legacy moved to
another member is **skipped and reported** (``problems``).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from common.sync_sinks import Skip, upsert_each
from domains.reputation.domain.ledger import RatingRefused
from domains.reputation.models import Rating
from domains.reputation.services import ALIAS, rating_import


class RatingSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        ratings = Rating.objects.using(ALIAS).filter(pk__in=ids)
        return {str(r.pk): _record(r) for r in ratings}


def _write(record: dict, before: dict | None) -> None:
    if before is not None and (before["rater_id"], before["ratee_id"]) != (
        record["rater_id"], record["ratee_id"],
    ):  # fmt: skip
        raise Skip(
            f"rating {record['id']}: legacy moved it to other members; "
            "a rating stays between the members it was given by and to"
        )
    try:
        rating_import(
            rating_id=UUID(record["id"]),
            rater_id=UUID(record["rater_id"]),
            ratee_id=UUID(record["ratee_id"]),
            score=record["score"],
            comment=record["comment"],
            given_at=datetime.fromisoformat(record["given_at"]),
        )
    except RatingRefused as exc:
        raise Skip(f"rating {record['id']}: {exc}") from exc


def _record(rating: Rating) -> dict:
    return {
        "id": str(rating.pk),
        "rater_id": str(rating.rater_id),
        "ratee_id": str(rating.ratee_id),
        "score": rating.score,
        "comment": rating.comment,
        "given_at": rating.given_at.isoformat(),
    }
