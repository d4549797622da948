"""A member's reputation counts the last 30 days only, weighted, with a floor and a
per-rater daily cap; time is passed in, never slept."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.domain.scoring import RatingFact, reputation_at, standing_weight
from domains.reputation.selectors import reputation_compute
from domains.reputation.services import rating_give
from domains.reputation.tests.conftest import client_with

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def fact(score=5, age=timedelta(days=1), rater=None) -> RatingFact:
    return RatingFact(uuid4(), rater or uuid4(), score, NOW - age, "session", "s", uuid4(), 1)


def test_thirty_days_and_one_second_ago_does_not_count_twenty_nine_days_ago_does():
    old, recent = fact(age=RATING_LIFETIME + timedelta(seconds=1)), fact(age=timedelta(days=29))
    reputation = reputation_at(ratings=[old, recent], now=NOW, standing={}, discounts={})
    assert [c.rating for c in reputation.contributions] == [recent]
    assert reputation.score == 2.0  # (5 - 3) * 1.0


def test_points_are_weighted_by_the_raters_standing_and_never_below_the_floor():
    respected, newcomer = uuid4(), uuid4()
    ratings = [fact(score=5, rater=respected), fact(score=5, rater=newcomer)]
    reputation = reputation_at(ratings=ratings, now=NOW, standing={respected: 50.0}, discounts={})
    assert [c.points for c in reputation.contributions] in ([4.0, 2.0], [2.0, 4.0])
    assert standing_weight(25.0) == 1.5 and standing_weight(-3) == 1.0
    harsh = reputation_at(ratings=[fact(score=1)], now=NOW, standing={}, discounts={})
    assert (harsh.raw_total, harsh.score) == (-2.0, 0.0)


def test_a_rater_counts_at_most_three_times_a_day_for_one_member():
    rater = uuid4()
    ratings = [fact(rater=rater, age=timedelta(hours=h)) for h in (1, 2, 3, 4)]
    reputation = reputation_at(ratings=ratings, now=NOW, standing={}, discounts={})
    assert [c.weight for c in reputation.contributions] == [1.0, 1.0, 1.0, 0.0]
    assert reputation.contributions[-1].discounts[0].rule == "daily_cap"


@pytest.mark.django_db(databases=["reputation"])
def test_the_stored_ratings_follow_the_same_window(ledger_app):
    ratee = uuid4()
    for context_id, age in {
        "old": RATING_LIFETIME + timedelta(seconds=1),
        "new": timedelta(days=29),
    }.items():
        rating_give(
            rater_id=uuid4(), ratee_id=ratee, context_type="session", context_id=context_id,
            score=5, given_at=NOW - age,
        )  # fmt: skip
    reputation = reputation_compute(member_id=ratee, now=NOW)
    assert [c.rating.context_id for c in reputation.contributions] == ["new"]
    later = reputation_compute(member_id=ratee, now=NOW + timedelta(days=1))
    assert later.contributions == [] and later.score == 0.0


@pytest.mark.django_db(databases=["reputation"])
def test_reputation_changes_are_published_and_kept_as_history(ledger_app):
    from eventing.models import OutboxMessage

    ratee = uuid4()
    rating_give(rater_id=uuid4(), ratee_id=ratee, context_type="s", context_id="1", score=5)
    changed = OutboxMessage.objects.using("reputation").filter(event_type="reputation.changed")
    payloads = [m.envelope["payload"] for m in changed]
    assert {"member_id": str(ratee), "score": 2.0} in [
        {"member_id": p["member_id"], "score": p["score"]} for p in payloads
    ]
    reader = client_with("rating.read")
    history = reader.get(f"/api/v1/reputation/members/{ratee}/reputation/history").json()
    assert [(r["score"], r["cause"]) for r in history["results"]] == [(2.0, "rating")]
    summary = reader.get(f"/api/v1/reputation/members/{ratee}/reputation").json()
    assert (summary["score"], summary["ratings_counted"]) == (2.0, 1)
    assert timezone.now() - timedelta(seconds=30) < datetime.fromisoformat(summary["computed_at"])


@pytest.mark.django_db(databases=["reputation"])
def test_ratings_ageing_out_are_published_by_the_periodic_refresh(ledger_app):
    from domains.reputation.services import reputations_refresh_aged
    from eventing.models import OutboxMessage

    ratee, now = uuid4(), timezone.now()
    given = now - RATING_LIFETIME + timedelta(minutes=5)
    rating_give(rater_id=uuid4(), ratee_id=ratee, context_type="s", context_id="1", score=5,
                given_at=given)  # fmt: skip
    changes = OutboxMessage.objects.using("reputation").filter(
        event_type="reputation.changed", envelope__payload__member_id=str(ratee)
    )
    before = changes.count()
    # Ten minutes later the rating has aged out: the refresh publishes the drop once.
    later = now + timedelta(minutes=10)
    assert reputations_refresh_aged(now=later, lookback=timedelta(minutes=30)) == 1
    assert changes.count() == before + 1
    assert changes.order_by("-id").first().envelope["payload"]["score"] == 0.0
    assert reputations_refresh_aged(now=later, lookback=timedelta(minutes=30)) == 1
    assert changes.count() == before + 1  # unchanged: nothing new published
