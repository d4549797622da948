"""The ``Rating`` read model, projected from the members' ratings ledgers.

Each new or changed rating is assessed by the anti-fraud rules in the same transaction
(``fraud.ratings_assess``), so no rating is ever projected without its decisions. A
batch of events is applied in bulk: the new ratings in one insert, the changed ones in
one update, then the batch's assessment (a few queries for the whole batch).
"""

import copy
from typing import Any

from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.fraud import ratings_assess
from domains.reputation.models import Rating
from eventing.projections import Projection

CHANGES = (MemberLedger.RatingEdited, MemberLedger.RatingCorrected)


class RatingsProjection(Projection):
    """One ``Rating`` row per ``RatingGiven`` event (any stored version of it), updated
    by ``RatingEdited`` and ``RatingCorrected``; a raised score is assessed again (a new
    high rating may close a ring)."""

    name = "reputation.ratings"
    application_class = ReputationApplication
    read_models = (Rating,)

    def apply_batch(self, domain_events: list[Any]) -> None:
        model = self.model(Rating)
        ratings = model.objects.using(self.alias)
        changed_ids = {e.rating_id for e in domain_events if isinstance(e, CHANGES)}
        rows = {r.id: r for r in ratings.filter(id__in=changed_ids)} if changed_ids else {}
        new, changed, assessed = {}, set(), []
        for event in domain_events:
            if isinstance(event, MemberLedger.RatingGiven):
                row = model(
                    id=event.rating_id,
                    rater_id=event.rater_id,
                    ratee_id=event.ratee_id,
                    context_type=event.context_type,
                    context_id=event.context_id,
                    score=event.score,
                    comment=event.comment,
                    given_at=event.given_at,
                    ledger_version=event.originator_version,
                )
                new[row.id] = rows[row.id] = row
            elif isinstance(event, CHANGES):
                row = rows[event.rating_id]
                row.score, row.comment = event.score, event.comment
                if isinstance(event, MemberLedger.RatingCorrected):
                    row.given_at = event.given_at  # the other system's date stands
                changed.add(row.id)
            else:
                continue
            assessed.append(copy.copy(row))  # as it stood after this event
        ratings.bulk_create(new.values())
        old = [rows[i] for i in changed if i not in new]
        if old:
            ratings.bulk_update(old, ["score", "comment", "given_at"])
        ratings_assess(alias=self.alias, ratings=model, assessed=assessed, created=frozenset(new))
