"""Anti-fraud: reciprocal pairs, rings of three, bursts and new accounts lose weight;
each decision has a reason the explanation shows; a moderator can override it."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from contracts.events import envelope_for
from contracts.identity.v1 import MemberRegistered
from contracts.marketplace.v1 import BookingCompleted
from domains.reputation.models import FraudDecision
from domains.reputation.selectors import reputation_compute
from domains.reputation.services import rating_give
from domains.reputation.tests.conftest import client_with
from eventing.inbox import Outcome, apply_envelope

pytestmark = pytest.mark.django_db(databases=["reputation"])


def give(rater, ratee, score=5, context="s", at=None):
    return rating_give(
        rater_id=rater, ratee_id=ratee, context_type="session", context_id=context,
        score=score, given_at=at or timezone.now() - timedelta(days=1),
    )  # fmt: skip


def explanation(member_id) -> list[dict]:
    url = f"/api/v1/reputation/members/{member_id}/reputation/explanation"
    return client_with("rating.read").get(url).json()["results"]


def test_a_reciprocal_pair_is_neutralised_and_the_explanation_says_why(ledger_app):
    ana, bruno, honest = uuid4(), uuid4(), uuid4()
    give(ana, bruno)
    give(honest, bruno, context="other")
    assert reputation_compute(member_id=bruno, now=timezone.now()).score == 4.0
    give(bruno, ana)
    assert reputation_compute(member_id=bruno, now=timezone.now()).score == 2.0  # only honest's
    assert reputation_compute(member_id=ana, now=timezone.now()).score == 0.0
    rows = {r["rater_id"]: r for r in explanation(bruno)}
    flagged = rows[str(ana)]
    assert flagged["points"] == 0.0 and flagged["weight"] == 0.0
    assert flagged["discounts"][0]["rule"] == "reciprocal"
    assert "rated each other highly" in flagged["discounts"][0]["reason"]
    assert rows[str(honest)]["points"] == 2.0 and rows[str(honest)]["discounts"] == []
    assert flagged["ledger_version"] >= 2  # the event's place in Bruno's ledger


def test_a_ring_of_three_is_neutralised(ledger_app):
    a, b, c = uuid4(), uuid4(), uuid4()
    give(a, b)
    give(b, c)
    assert FraudDecision.objects.count() == 0
    give(c, a)
    assert sorted(FraudDecision.objects.values_list("rule", flat=True)) == ["ring"] * 3
    for member in (a, b, c):
        assert reputation_compute(member_id=member, now=timezone.now()).score == 0.0


def test_a_burst_is_neutralised_and_a_moderator_can_override_it(ledger_app):
    spammer = uuid4()
    start = timezone.now() - timedelta(hours=2)
    targets = [uuid4() for _ in range(5)]
    for n, target in enumerate(targets[:4]):
        give(spammer, target, at=start + timedelta(minutes=n))
    assert FraudDecision.objects.count() == 0  # four is not a burst
    give(spammer, targets[4], at=start + timedelta(minutes=4))
    assert FraudDecision.objects.filter(rule="burst").count() == 5
    row = explanation(targets[0])[0]
    assert row["discounts"][0]["rule"] == "burst" and "5 ratings" in row["discounts"][0]["reason"]
    assert reputation_compute(member_id=targets[0], now=timezone.now()).score == 0.0

    moderator = client_with("content.moderate")
    assert client_with("rating.read").get("/api/v1/reputation/flags").status_code == 403
    flags = moderator.get("/api/v1/reputation/flags", {"rule": "burst"}).json()["results"]
    mine = next(f for f in flags if f["ratee_id"] == str(targets[0]))
    review = moderator.post(
        f"/api/v1/reputation/flags/{mine['id']}/review",
        {"overridden": True, "note": "a workshop: five people rated at the end"},
        format="json",
    )
    assert review.status_code == 200 and review.json()["overridden"] is True
    assert reputation_compute(member_id=targets[0], now=timezone.now()).score == 2.0


def test_a_rating_from_an_account_created_minutes_ago_is_discounted(ledger_app):
    fresh, ratee = uuid4(), uuid4()
    joined = timezone.now() - timedelta(minutes=5)
    event = MemberRegistered(member_id=fresh, display_name="New", joined_at=joined)
    assert apply_envelope("reputation", envelope_for(event, producer="identity")) == Outcome.APPLIED
    give(fresh, ratee, at=timezone.now() - timedelta(minutes=1))
    decision = FraudDecision.objects.get(rule="new_account")
    assert "4 minutes old" in decision.reason
    assert reputation_compute(member_id=ratee, now=timezone.now()).score == 0.5  # 2 * 0.25


def test_a_rating_in_a_completed_bookings_context_is_shown_as_verified(ledger_app):
    booking, member, owner = uuid4(), uuid4(), uuid4()
    ends = timezone.now() - timedelta(hours=3)
    completed = BookingCompleted(
        booking_id=booking, space_id=uuid4(), member_id=member,
        starts_at=ends - timedelta(hours=1), ends_at=ends,
    )  # fmt: skip
    envelope = envelope_for(completed, producer="marketplace")
    assert apply_envelope("reputation", envelope) == Outcome.APPLIED
    assert apply_envelope("reputation", envelope) == Outcome.DUPLICATE
    rating_give(
        rater_id=member, ratee_id=owner, context_type="booking", context_id=str(booking),
        score=4, given_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    give(uuid4(), owner, context="unrelated")
    verified = {r["context_id"]: r["context_verified"] for r in explanation(owner)}
    assert verified == {str(booking): True, "unrelated": False}
