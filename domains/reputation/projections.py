"""The ``Rating`` read model, projected from the members' ratings ledgers.

Each new rating is assessed by the anti-fraud rules in the same transaction
(``fraud.rating_assess``), so no rating is ever projected without its decisions.
"""

from typing import Any

from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.fraud import rating_assess
from domains.reputation.models import Rating
from eventing.projections import Projection


class RatingsProjection(Projection):
    """One ``Rating`` row per ``RatingGiven`` event (any stored version of it), updated
    by ``RatingEdited`` and ``RatingCorrected``; a raised score is assessed again (a new
    high rating may close a ring)."""

    name = "reputation.ratings"
    application_class = ReputationApplication
    read_models = (Rating,)

    def apply(self, domain_event: Any) -> None:
        model = self.model(Rating)
        ratings = model.objects.using(self.alias)
        if isinstance(domain_event, MemberLedger.RatingGiven):
            rating = ratings.create(
                id=domain_event.rating_id,
                rater_id=domain_event.rater_id,
                ratee_id=domain_event.ratee_id,
                context_type=domain_event.context_type,
                context_id=domain_event.context_id,
                score=domain_event.score,
                comment=domain_event.comment,
                given_at=domain_event.given_at,
                ledger_version=domain_event.originator_version,
            )
        elif isinstance(domain_event, (MemberLedger.RatingEdited, MemberLedger.RatingCorrected)):
            changes = {"score": domain_event.score, "comment": domain_event.comment}
            if isinstance(domain_event, MemberLedger.RatingCorrected):
                changes["given_at"] = domain_event.given_at  # the other system's date stands
            ratings.filter(id=domain_event.rating_id).update(**changes)
            rating = ratings.get(id=domain_event.rating_id)
        else:
            return
        rating_assess(alias=self.alias, ratings=model, rating=rating)
