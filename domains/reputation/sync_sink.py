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

from domains.reputation.domain.ledger import RatingRefused
from domains.reputation.models import Rating
from domains.reputation.services import ALIAS, rating_import


class RatingSink:
    def upsert(self, records: list[dict]) -> dict:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "problems": []}
        stored = self.get_many([r["id"] for r in records])
        for record in records:
            before = stored.get(record["id"])
            if before == record:
                counts["unchanged"] += 1
                continue
            if before is not None and (before["rater_id"], before["ratee_id"]) != (
                record["rater_id"], record["ratee_id"],
            ):  # fmt: skip
                counts["skipped"] += 1
                counts["problems"].append(
                    f"rating {record['id']}: legacy moved it to other members; "
                    "a rating stays between the members it was given by and to"
                )
                continue
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
                counts["skipped"] += 1
                counts["problems"].append(f"rating {record['id']}: {exc}")
                continue
            counts["created" if before is None else "updated"] += 1
        return counts

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        ratings = Rating.objects.using(ALIAS).filter(pk__in=ids)
        return {str(r.pk): _record(r) for r in ratings}


def _record(rating: Rating) -> dict:
    return {
        "id": str(rating.pk),
        "rater_id": str(rating.rater_id),
        "ratee_id": str(rating.ratee_id),
        "score": rating.score,
        "comment": rating.comment,
        "given_at": rating.given_at.isoformat(),
    }
