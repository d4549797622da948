"""Reputation: a rating counts for exactly 30 days, with no job needed for it."""

from datetime import UTC, datetime, timedelta

import pytest

from common.demo_ids import demo_member_id
from domains.reputation.domain.ratings import RATING_LIFETIME, counts_at
from domains.reputation.selectors import rating_list_counting
from domains.reputation.services import rating_give

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
RATER = demo_member_id("rater@example.org")
RATEE = demo_member_id("ratee@example.org")


def test_a_rating_counts_for_thirty_days_exactly():
    assert counts_at(NOW - timedelta(days=29), NOW)
    assert counts_at(NOW - RATING_LIFETIME + timedelta(seconds=1), NOW)
    assert not counts_at(NOW - RATING_LIFETIME, NOW)
    assert not counts_at(NOW - RATING_LIFETIME - timedelta(seconds=1), NOW)
    assert not counts_at(NOW + timedelta(seconds=1), NOW)


@pytest.mark.django_db(databases=["reputation"])
def test_the_selector_keeps_only_ratings_that_count_now(ledger_app):
    ages = {
        "29 days": timedelta(days=29),
        "30 days and 1 s": RATING_LIFETIME + timedelta(seconds=1),
    }
    for context_id, age in ages.items():
        rating_give(
            rater_id=RATER, ratee_id=RATEE, context_type="session",
            context_id=context_id, score=5, given_at=NOW - age,
        )  # fmt: skip
    counted = rating_list_counting(ratee_id=RATEE, now=NOW)
    assert [r.context_id for r in counted] == ["29 days"]


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_member_ratings_need_a_signed_in_member(api_client, django_user_model, ledger_app):
    url = f"/api/v1/reputation/members/{RATEE}/ratings"
    assert api_client.get(url).status_code in (401, 403)
    api_client.force_authenticate(
        django_user_model.objects.create_user("v@example.org", "pw-1234567")
    )
    rating_give(rater_id=RATER, ratee_id=RATEE, context_type="s", context_id="1", score=4)
    body = api_client.get(url).json()
    assert [r["score"] for r in body["results"]] == [4]
