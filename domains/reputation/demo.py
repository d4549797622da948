"""Demo ratings for ``make run``: mentoring and space sessions between demo members.

Given through the ledger like any rating, so loading twice records nothing new (the
ledger refuses a second rating of the same context) and the read model is projected
from the events, with the anti-fraud rules applied as for any rating:

- Ana and Bruno rated each other 5 and 4 for the same mentoring: a reciprocal pair,
  both ratings flagged and weightless (see the explanation of either).
- Eve rated five members within five minutes: a burst, all five flagged.
- Chidi's space visits count normally, except the one older than 30 days.
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
    ("dana@example.com", "chidi@example.com", "space", "demo-space-visit-3", 4, 3),
]
BURST_RATER = "eve@example.com"
BURST_RATEES = ["ana@example.com", "bruno@example.com", "chidi@example.com",
                "dana@example.com", "admin@example.com"]  # fmt: skip


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
    burst_start = now - timedelta(days=1)
    for minute, ratee in enumerate(BURST_RATEES):
        try:
            rating_give(
                rater_id=demo_member_id(BURST_RATER), ratee_id=demo_member_id(ratee),
                context_type="session", context_id="demo-burst", score=5,
                given_at=burst_start + timedelta(minutes=minute),
            )  # fmt: skip
        except DuplicateRating:
            continue
        recorded += 1
    projection_catch_up(projection=RatingsProjection())
    stdout.write(
        f"reputation: {len(RATINGS) + len(BURST_RATEES)} ratings, {recorded} newly recorded "
        "(one older than 30 days, so not counted; a reciprocal pair and a burst, flagged: "
        "see /api/v1/reputation/flags and each member's reputation/explanation)"
    )
