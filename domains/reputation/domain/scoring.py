"""A member's reputation at a moment: each counted rating's points, and their sum.

Every point is traceable: a rating that counts at ``now`` (the 30-day window) scores
``(score - NEUTRAL) * weight``, and ``weight`` is the rater's standing times every
discount applied to that rating, each discount naming its rule and reason (a fraud
decision, a new account, the per-rater daily cap). The reputation is the sum, never
below ``FLOOR``. Nothing here reads a clock: the caller passes ``now``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domains.reputation.domain.ratings import counts_at

#: A score of 3 (of 1-5) neither adds nor removes points.
NEUTRAL = 3
FLOOR = 0.0
#: Ratings from one rater to one member that count per UTC day; later ones weigh 0.
DAILY_CAP = 3
#: A rater's standing adds up to this much weight (standing 0 → 1.0, ≥ STANDING_FULL → 2.0).
STANDING_FULL = 50.0


@dataclass(frozen=True)
class RatingFact:
    rating_id: UUID
    rater_id: UUID
    score: int
    given_at: datetime
    context_type: str
    context_id: str
    #: Where the rating is recorded: the ledger (aggregate id) and its event version.
    ledger_id: UUID
    ledger_version: int


@dataclass(frozen=True)
class Discount:
    rule: str
    factor: float
    reason: str


@dataclass(frozen=True)
class Contribution:
    rating: RatingFact
    standing_weight: float
    discounts: tuple[Discount, ...]
    weight: float
    points: float


@dataclass(frozen=True)
class Reputation:
    score: float
    raw_total: float
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def ratings_counted(self) -> int:
        return sum(1 for c in self.contributions if c.weight > 0)

    @property
    def ratings_discounted(self) -> int:
        return sum(1 for c in self.contributions if c.discounts)


def standing_weight(standing: float | None) -> float:
    """1.0 for a rater with no standing, up to 2.0 for a well-regarded one."""
    return 1.0 + min(max(standing or 0.0, 0.0), STANDING_FULL) / STANDING_FULL


def reputation_at(
    *,
    ratings: Iterable[RatingFact],
    now: datetime,
    standing: Mapping[UUID, float],
    discounts: Mapping[UUID, Iterable[Discount]],
) -> Reputation:
    """The reputation at ``now`` from ``ratings`` (those outside the window are ignored)."""
    counted = sorted((r for r in ratings if counts_at(r.given_at, now)), key=lambda r: r.given_at)
    per_rater_day: dict[tuple[UUID, object], int] = defaultdict(int)
    contributions = []
    for rating in counted:
        applied = list(discounts.get(rating.rating_id, ()))
        day = (rating.rater_id, rating.given_at.date())
        per_rater_day[day] += 1
        if per_rater_day[day] > DAILY_CAP:
            applied.append(
                Discount(
                    "daily_cap", 0.0, f"more than {DAILY_CAP} ratings from this rater that day"
                )
            )
        base = standing_weight(standing.get(rating.rater_id))
        weight = base
        for discount in applied:
            weight *= discount.factor
        points = (rating.score - NEUTRAL) * weight
        contributions.append(Contribution(rating, base, tuple(applied), weight, points))
    raw = sum(c.points for c in contributions)
    return Reputation(
        score=round(max(FLOOR, raw), 4), raw_total=round(raw, 4), contributions=contributions
    )


def unweighted_at(*, ratings: Iterable[RatingFact], now: datetime) -> Reputation:
    """The cheap figure served while weighting is switched off under load.

    Every rating in the window counts ``score - NEUTRAL`` points at weight 1: no rater
    standing, no fraud discount, no daily cap — the same scale as ``reputation_at``,
    so clients read it the same way, but nothing anti-fraud has said is applied.
    """
    counted = sorted((r for r in ratings if counts_at(r.given_at, now)), key=lambda r: r.given_at)
    contributions = [Contribution(r, 1.0, (), 1.0, float(r.score - NEUTRAL)) for r in counted]
    raw = sum(c.points for c in contributions)
    return Reputation(
        score=round(max(FLOOR, raw), 4), raw_total=round(raw, 4), contributions=contributions
    )
