"""A rater may edit their rating for 15 minutes; the read model, the reputation and the
anti-fraud rules follow; ledger snapshots from before edits existed still load."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from domains.reputation.domain.ledger import (
    EditWindowClosed,
    MemberLedger,
    RatingNotFound,
)
from domains.reputation.domain.ratings import EDIT_WINDOW
from domains.reputation.models import FraudDecision, Rating
from domains.reputation.selectors import reputation_compute
from domains.reputation.services import rating_edit, rating_give
from domains.reputation.tests.conftest import client_with

pytestmark = pytest.mark.django_db(databases=["reputation"])


def test_a_rating_is_editable_by_its_rater_for_fifteen_minutes(
    ledger_app, django_capture_on_commit_callbacks
):
    rater, ratee, at = uuid4(), uuid4(), timezone.now() - timedelta(minutes=1)
    recomputed = REGISTRY.get_sample_value("reputation_recomputations_total")
    with django_capture_on_commit_callbacks(using="reputation", execute=True):
        given = rating_give(rater_id=rater, ratee_id=ratee, context_type="s", context_id="1",
                            score=2, given_at=at)  # fmt: skip
    assert REGISTRY.get_sample_value("reputation_recomputations_total") > recomputed
    with pytest.raises(RatingNotFound):
        rating_edit(rating_id=given.rating_id, rater_id=uuid4(), score=5, comment="", now=at)
    rating_edit(
        rating_id=given.rating_id, rater_id=rater, score=5, comment="better", now=at + EDIT_WINDOW
    )
    row = Rating.objects.get(id=given.rating_id)
    assert (row.score, row.comment) == (5, "better")
    assert reputation_compute(member_id=ratee, now=timezone.now()).score == 2.0
    with pytest.raises(EditWindowClosed):
        rating_edit(
            rating_id=given.rating_id, rater_id=rater, score=1, comment="",
            now=at + EDIT_WINDOW + timedelta(seconds=1),
        )  # fmt: skip
    ledger = ledger_app.repository.get(MemberLedger.create_id(ratee))
    assert ledger.score_total == 5


def test_raising_a_score_into_a_reciprocal_pair_is_detected(ledger_app):
    ana, bruno = uuid4(), uuid4()
    rating_give(rater_id=ana, ratee_id=bruno, context_type="s", context_id="1", score=5)
    low = rating_give(rater_id=bruno, ratee_id=ana, context_type="s", context_id="1", score=2)
    assert not FraudDecision.objects.exists()
    rating_edit(rating_id=low.rating_id, rater_id=bruno, score=5, comment="", now=timezone.now())
    assert FraudDecision.objects.filter(rule="reciprocal").count() == 2


def test_the_edit_api_answers_404_409_and_200(ledger_app):
    rater = uuid4()
    client = client_with("rating.give", member_id=rater)
    given = rating_give(rater_id=rater, ratee_id=uuid4(), context_type="s", context_id="1",
                        score=3, given_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    url = f"/api/v1/reputation/ratings/{given.rating_id}/edit"
    assert client.post(url, {"score": 4}, format="json").status_code == 409
    assert client.post(f"/api/v1/reputation/ratings/{uuid4()}/edit", {"score": 4},
                       format="json").status_code == 404  # fmt: skip
    fresh = rating_give(rater_id=rater, ratee_id=uuid4(), context_type="s", context_id="2", score=3)
    edited = client.post(
        f"/api/v1/reputation/ratings/{fresh.rating_id}/edit", {"score": 4}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["score"] == 4


def test_a_snapshot_from_before_edits_existed_still_loads(ledger_app):
    ledger = MemberLedger(member_id=uuid4())
    ledger.give_rating(rater_id=uuid4(), context_type="s", context_id="1", score=4, comment="",
                       given_at=timezone.now())  # fmt: skip
    ledger_app.save(ledger)
    ledger_app.take_snapshot(ledger.id)
    snapshot = next(iter(ledger_app.snapshots.get(ledger.id)))
    state = dict(snapshot.state)
    state.pop("given")
    state.pop("class_version", None)  # as version 1 of the aggregate stored it
    old = type(snapshot)(
        originator_id=snapshot.originator_id, originator_version=snapshot.originator_version,
        timestamp=snapshot.timestamp, topic=snapshot.topic, state=state,
    )  # fmt: skip
    restored = old.mutate(None)
    assert restored.given == {} and restored.score_total == 4
