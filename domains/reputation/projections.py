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
        if isinstance(domain_event, MemberLedger.RatingEdited):
            ratings = self.model(Rating).objects.using(self.alias)
            ratings.filter(id=domain_event.rating_id).update(
                score=domain_event.score, comment=domain_event.comment
            )
            rating = ratings.get(id=domain_event.rating_id)
            rating_assess(alias=self.alias, ratings=self.model(Rating), rating=rating)
            return
        if isinstance(domain_event, MemberLedger.RatingCorrected):
            ratings = self.model(Rating).objects.using(self.alias)
            ratings.filter(id=domain_event.rating_id).update(
                score=domain_event.score,
                comment=domain_event.comment,
                given_at=domain_event.given_at,
            )
            rating = ratings.get(id=domain_event.rating_id)
            rating_assess(alias=self.alias, ratings=self.model(Rating), rating=rating)
            return
        if not isinstance(domain_event, MemberLedger.RatingGiven):
            return
        rating = (
            self.model(Rating)
            .objects.using(self.alias)
            .create(
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
        )
        rating_assess(alias=self.alias, ratings=self.model(Rating), rating=rating)
