"""Anti-fraud detection over the ratings read model (the rules: ``domain/fraud.py``).

Run by ``RatingsProjection`` for each new rating, inside the projection's transaction,
so a rating and the decisions about it commit together. Queries go through the model
the projection writes (during a rebuild, the fresh table), so a rebuild sees the same
history in the same order. Decisions are inserted idempotently by (rating, rule): a
rebuild keeps existing ones and a moderator's override.
"""

from __future__ import annotations

from django.db.models import Model

from domains.reputation.domain.fraud import (
    BURST_COUNT,
    BURST_WINDOW,
    FACTORS,
    HIGH_SCORE,
    NEW_ACCOUNT_AGE,
    burst_around,
    is_new_account,
)
from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.models import FraudDecision, Member


def _decide(alias: str, rating, rule: str, reason: str) -> None:
    FraudDecision.objects.using(alias).get_or_create(
        rating_id=rating.id,
        rule=rule,
        defaults={
            "rater_id": rating.rater_id,
            "ratee_id": rating.ratee_id,
            "rating_given_at": rating.given_at,
            "factor": FACTORS[rule],
            "reason": reason[:500],
        },
    )


def rating_assess(*, alias: str, ratings: type[Model], rating) -> None:
    """Record every rule the new ``rating`` (a row of ``ratings``) triggers."""
    table = ratings.objects.using(alias)
    _burst(alias, table, rating)
    high = rating.score >= HIGH_SCORE
    if high:
        _reciprocal_and_ring(alias, table, rating)
    joined = (
        Member.objects.using(alias)
        .filter(member_id=rating.rater_id)
        .values_list("joined_at", flat=True)
        .first()
    )
    if is_new_account(joined_at=joined, given_at=rating.given_at):
        age = rating.given_at - joined
        _decide(
            alias,
            rating,
            "new_account",
            f"rater's account was {int(age.total_seconds() // 60)} minutes old "
            f"(under {int(NEW_ACCOUNT_AGE.total_seconds() // 3600)} h)",
        )


def _burst(alias, table, rating) -> None:
    nearby = list(
        table.filter(
            rater_id=rating.rater_id,
            given_at__gt=rating.given_at - BURST_WINDOW,
            given_at__lt=rating.given_at + BURST_WINDOW,
        )
    )
    burst = set(burst_around([r.given_at for r in nearby], rating.given_at))
    if not burst:
        return
    members = [r for r in nearby if r.given_at in burst]
    reason = (
        f"{len(members)} ratings by this rater within {int(BURST_WINDOW.total_seconds() // 60)} "
        f"minutes (burst threshold {BURST_COUNT})"
    )
    for member in members:
        _decide(alias, member, "burst", reason)


def _reciprocal_and_ring(alias, table, rating) -> None:
    since = rating.given_at - RATING_LIFETIME
    high = table.filter(score__gte=HIGH_SCORE, given_at__gt=since, given_at__lte=rating.given_at)
    back = list(high.filter(rater_id=rating.ratee_id, ratee_id=rating.rater_id))
    for other in back:
        reason = f"{rating.rater_id} and {rating.ratee_id} rated each other highly within 30 days"
        _decide(alias, rating, "reciprocal", reason)
        _decide(alias, other, "reciprocal", reason)
    # A → B (this rating), B → C, C → A: a cycle of three high ratings.
    onward = {
        r.ratee_id: r
        for r in high.filter(rater_id=rating.ratee_id).exclude(ratee_id=rating.rater_id)
    }
    if not onward:
        return
    closing = high.filter(rater_id__in=list(onward), ratee_id=rating.rater_id)
    for last in closing:
        middle = onward[last.rater_id]
        reason = (
            f"ring of three high ratings: {rating.rater_id} → {rating.ratee_id} → "
            f"{middle.ratee_id} → {rating.rater_id} within 30 days"
        )
        for member in (rating, middle, last):
            _decide(alias, member, "ring", reason)
