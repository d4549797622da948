"""Demo ratings for ``make run``: mentoring and space sessions between demo members.

Given through the ledger like any rating, so loading twice records nothing new (the
ledger refuses a second rating of the same context) and the read model is projected
from the events.
"""

from datetime import timedelta

from django.utils import timezone

from common.demo_ids import demo_member_id
from domains.reputation.domain.ledger import DuplicateRating
from domains.reputation.projections import RatingsProjection
from domains.reputation.services import rating_give
from eventing.projections import projection_catch_up

RATINGS = [
    ("ana@example.com", "bruno@example.com", "mentoring", "demo-mentoring-1", 5, 2),
    ("bruno@example.com", "ana@example.com", "mentoring", "demo-mentoring-1", 4, 2),
    ("ana@example.com", "chidi@example.com", "space", "demo-space-visit-1", 4, 10),
    ("bruno@example.com", "chidi@example.com", "space", "demo-space-visit-2", 5, 45),
]


def load(stdout) -> None:
    now = timezone.now()
    recorded = 0
    for rater, ratee, context_type, context_id, score, days_ago in RATINGS:
        try:
            rating_give(
                rater_id=demo_member_id(rater),
                ratee_id=demo_member_id(ratee),
                context_type=context_type,
                context_id=context_id,
                score=score,
                given_at=now - timedelta(days=days_ago),
            )
        except DuplicateRating:
            continue
        recorded += 1
    projection_catch_up(projection=RatingsProjection())
    stdout.write(
        f"reputation: {len(RATINGS)} ratings, {recorded} newly recorded "
        "(one older than 30 days, so not counted)"
    )
