"""Anti-fraud detection over the ratings read model (the rules: ``domain/fraud.py``).

Run by ``RatingsProjection`` for the ratings of each batch it applies, inside the
projection's transaction, so a rating and the decisions about it commit together.
Queries go through the model the projection writes (during a rebuild, the fresh
table), so a rebuild sees the same history. A batch is assessed with one query per
kind of evidence (the raters' nearby ratings, the high ratings around the members, the
raters' membership), filtered per rating in memory exactly as a query per rating would
be: a rebuild costs a few queries per batch, not per rating. Decisions are inserted
idempotently by (rating, rule): a rebuild keeps existing ones and a moderator's
override, and within a batch the first reason found for a (rating, rule) stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from django.db.models import Model, Q

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


def ratings_assess(
    *, alias: str, ratings: type[Model], assessed: Sequence, created: frozenset[UUID] = frozenset()
) -> None:
    """Record every rule each of ``assessed`` (rows of ``ratings``, already written,
    each with the score it had when its event was applied) triggers, in order;
    ``created``: the ids of those the batch created (invisible to the ones before)."""
    if not assessed:
        return
    evidence = _Evidence(alias, ratings.objects.using(alias), assessed)
    step_of: dict[UUID, int] = {}
    for step, rating in enumerate(assessed):
        if rating.id in created:
            step_of.setdefault(rating.id, step)
    decisions: dict[tuple[UUID, str], FraudDecision] = {}

    def decide(rating, rule: str, reason: str) -> None:
        decisions.setdefault(
            (rating.id, rule),
            FraudDecision(
                rating_id=rating.id, rater_id=rating.rater_id, ratee_id=rating.ratee_id,
                rating_given_at=rating.given_at, rule=rule, factor=FACTORS[rule],
                reason=reason[:500],
            ),
        )  # fmt: skip

    for step, rating in enumerate(assessed):
        evidence.now_at(step, step_of)
        _burst(evidence, rating, decide)
        if rating.score >= HIGH_SCORE:
            _reciprocal_and_ring(evidence, rating, decide)
        joined = evidence.joined.get(rating.rater_id)
        if is_new_account(joined_at=joined, given_at=rating.given_at):
            age = rating.given_at - joined
            decide(
                rating,
                "new_account",
                f"rater's account was {int(age.total_seconds() // 60)} minutes old "
                f"(under {int(NEW_ACCOUNT_AGE.total_seconds() // 3600)} h)",
            )
    FraudDecision.objects.using(alias).bulk_create(decisions.values(), ignore_conflicts=True)


class _Evidence:
    """What the rules read about a batch, fetched once: each rater's ratings around
    their ratings, the high ratings of the 30 days before by or of the members
    concerned, and when each rater joined; indexed by member for the per-rating reads."""

    def __init__(self, alias: str, table, assessed: Sequence) -> None:
        raters = {r.rater_id for r in assessed}
        times = [r.given_at for r in assessed]
        self.by_rater: dict[UUID, list] = {}
        for row in table.filter(
            rater_id__in=raters,
            given_at__gt=min(times) - BURST_WINDOW,
            given_at__lt=max(times) + BURST_WINDOW,
        ):
            self.by_rater.setdefault(row.rater_id, []).append(row)
        self.high_by_rater: dict[UUID, list] = {}
        self.high_to: dict[UUID, list] = {}
        high = [r for r in assessed if r.score >= HIGH_SCORE]
        if high:
            for row in table.filter(
                Q(rater_id__in={r.ratee_id for r in high})
                | Q(ratee_id__in={r.rater_id for r in high}),
                score__gte=HIGH_SCORE,
                given_at__gt=min(r.given_at for r in high) - RATING_LIFETIME,
                given_at__lte=max(r.given_at for r in high),
            ):
                self.high_by_rater.setdefault(row.rater_id, []).append(row)
                self.high_to.setdefault(row.ratee_id, []).append(row)
        self.joined: dict[UUID, datetime] = dict(
            Member.objects.using(alias)
            .filter(member_id__in=raters)
            .values_list("member_id", "joined_at")
        )
        self.step, self.step_of = 0, {}

    def now_at(self, step: int, step_of: dict[UUID, int]) -> None:
        """Show only what existed when the event at ``step`` was applied."""
        self.step, self.step_of = step, step_of

    def _seen(self, rows: list) -> list:
        return [r for r in rows if self.step_of.get(r.id, -1) <= self.step]

    def nearby(self, rating) -> list:
        """The rater's ratings within the burst window either side of ``rating``."""
        low, high = rating.given_at - BURST_WINDOW, rating.given_at + BURST_WINDOW
        rows = self.by_rater.get(rating.rater_id, [])
        return self._seen([r for r in rows if low < r.given_at < high])

    def _within(self, rows: list, rating) -> list:
        """Those of ``rows`` in the 30 days up to ``rating``'s time."""
        since = rating.given_at - RATING_LIFETIME
        return self._seen([r for r in rows if since < r.given_at <= rating.given_at])

    def high_by(self, member_id: UUID, rating) -> list:
        return self._within(self.high_by_rater.get(member_id, []), rating)

    def high_of(self, member_id: UUID, rating) -> list:
        return self._within(self.high_to.get(member_id, []), rating)


def _burst(evidence: _Evidence, rating, decide) -> None:
    nearby = evidence.nearby(rating)
    burst = set(burst_around([r.given_at for r in nearby], rating.given_at))
    if not burst:
        return
    members = [r for r in nearby if r.given_at in burst]
    reason = (
        f"{len(members)} ratings by this rater within {int(BURST_WINDOW.total_seconds() // 60)} "
        f"minutes (burst threshold {BURST_COUNT})"
    )
    for member in members:
        decide(member, "burst", reason)


def _reciprocal_and_ring(evidence: _Evidence, rating, decide) -> None:
    by_ratee = evidence.high_by(rating.ratee_id, rating)
    back = [r for r in by_ratee if r.ratee_id == rating.rater_id]
    for other in back:
        reason = f"{rating.rater_id} and {rating.ratee_id} rated each other highly within 30 days"
        decide(rating, "reciprocal", reason)
        decide(other, "reciprocal", reason)
    # A → B (this rating), B → C, C → A: a cycle of three high ratings.
    onward = {r.ratee_id: r for r in by_ratee if r.ratee_id != rating.rater_id}
    if not onward:
        return
    closing = [r for r in evidence.high_of(rating.rater_id, rating) if r.rater_id in onward]
    for last in closing:
        middle = onward[last.rater_id]
        reason = (
            f"ring of three high ratings: {rating.rater_id} → {rating.ratee_id} → "
            f"{middle.ratee_id} → {rating.rater_id} within 30 days"
        )
        for member in (rating, middle, last):
            decide(member, "ring", reason)
