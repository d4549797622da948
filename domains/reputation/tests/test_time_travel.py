"""Time travel for support and the demo: ``as_of`` on the reputation read and its
explanation (capped to now), the demo clock (refused outside DEBUG), and no negative
account ages in explanations."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from contracts.events import envelope_for
from contracts.identity.v1 import MemberRegistered
from domains.reputation.models import FraudDecision
from domains.reputation.services import rating_give
from domains.reputation.tests.conftest import client_with
from eventing.inbox import Outcome, apply_envelope
from tests.processes import clean_environment, run_django

pytestmark = pytest.mark.django_db(databases=["reputation"])


def _give(ratee, context: str, days_ago: float, rater=None) -> None:
    rating_give(
        rater_id=rater or uuid4(), ratee_id=ratee, context_type="session", context_id=context,
        score=5, given_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def _read(ratee, suffix="", **query):
    return client_with("rating.read").get(
        f"/api/v1/reputation/members/{ratee}/reputation{suffix}", query
    )


def test_as_of_shows_a_rating_that_has_since_stopped_counting(ledger_app):
    ratee = uuid4()
    _give(ratee, "old", days_ago=45)
    _give(ratee, "recent", days_ago=10)
    now = _read(ratee).json()
    assert now["ratings_counted"] == 1
    then = timezone.now() - timedelta(days=20)
    past = _read(ratee, as_of=then.isoformat())
    assert past.status_code == 200, past.content
    assert past.json()["ratings_counted"] == 1
    assert past.json()["computed_at"].startswith(then.isoformat()[:16])
    explained = _read(ratee, "/explanation", as_of=then.isoformat()).json()["results"]
    assert [item["context_id"] for item in explained] == ["old"]  # 25 days old back then
    counts_until = explained[0]["counts_until"]
    assert counts_until < timezone.now().isoformat()  # and it stopped counting since


def test_as_of_is_capped_to_now_and_checked(ledger_app):
    ratee = uuid4()
    _give(ratee, "recent", days_ago=10)
    future = (timezone.now() + timedelta(days=30)).isoformat()
    capped = _read(ratee, as_of=future).json()
    assert capped["ratings_counted"] == 1  # not 0: the future is not predicted
    assert capped["computed_at"] <= timezone.now().isoformat()
    bad = _read(ratee, as_of="last tuesday")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    naive = _read(ratee, as_of="2026-11-01T12:00:00")
    assert naive.status_code == 400


def test_the_demo_clock_moves_the_window(ledger_app, settings):
    ratee = uuid4()
    _give(ratee, "recent", days_ago=10)
    settings.DEMO_CLOCK_SHIFT_DAYS = 25  # 35 days after the rating: it no longer counts
    assert _read(ratee).json()["ratings_counted"] == 0
    settings.DEMO_CLOCK_SHIFT_DAYS = 0
    assert _read(ratee).json()["ratings_counted"] == 1


def test_the_demo_clock_is_refused_outside_debug():
    env = clean_environment(DEMO_CLOCK_SHIFT_DAYS="20", DEBUG="false")
    refused = run_django("", env)
    assert refused.returncode != 0
    assert "DEMO_CLOCK_SHIFT_DAYS" in refused.stderr and "DEBUG" in refused.stderr


def test_a_rating_older_than_the_raters_membership_shows_no_negative_age(ledger_app):
    rater, ratee = uuid4(), uuid4()
    joined = timezone.now()  # recorded now, as the demo's and legacy-imported members are
    event = MemberRegistered(member_id=rater, display_name="Imported", joined_at=joined)
    assert apply_envelope("reputation", envelope_for(event, producer="identity")) == Outcome.APPLIED
    _give(ratee, "before-joining", days_ago=2, rater=rater)
    assert not FraudDecision.objects.filter(rule="new_account").exists()
    explained = _read(ratee, "/explanation").json()["results"]
    assert not any(
        "-" in discount["reason"].split("minutes")[0]
        for item in explained
        for discount in item["discounts"]
    )
