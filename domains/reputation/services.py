"""Writes of reputation data: ratings go into the rated member's ledger.

The ledger is event-sourced; the ``Rating`` read model follows it through
``RatingsProjection``. ``rating_give`` brings the read model up to date before it
returns, so the rater sees their rating at once; if that fails the rating is still
recorded and ``run_projections`` applies it. Call it outside any
``transaction.atomic(using="reputation")``: the event store commits on its own.
"""

import logging
from datetime import datetime
from uuid import UUID

from django.db import DatabaseError
from django.utils import timezone
from eventsourcing.application import AggregateNotFoundError

from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.projections import RatingsProjection
from eventing.eventstore import get_application
from eventing.projections import projection_catch_up

logger = logging.getLogger(__name__)


def rating_give(
    *,
    rater_id: UUID,
    ratee_id: UUID,
    context_type: str,
    context_id: str,
    score: int,
    comment: str = "",
    given_at: datetime | None = None,
) -> MemberLedger.RatingGiven:
    """Record a rating; the recorded event.

    Raises ``RatingRefused`` (``DuplicateRating`` for a second rating of the same
    context) when the rules refuse it, and ``ConcurrencyConflict`` when another rating
    of the same member was recorded between reading and writing the ledger.
    """
    app = get_application(ReputationApplication)
    try:
        ledger = app.repository.get(MemberLedger.create_id(ratee_id))
    except AggregateNotFoundError:
        ledger = MemberLedger(member_id=ratee_id)
    ledger.give_rating(
        rater_id=rater_id,
        context_type=context_type,
        context_id=context_id,
        score=score,
        comment=comment,
        given_at=given_at or timezone.now(),
    )
    recorded = app.save(ledger)[-1].domain_event
    try:
        projection_catch_up(projection=RatingsProjection())
    except DatabaseError:
        logger.exception("Rating %s is recorded; its read model will follow.", recorded.rating_id)
    return recorded
