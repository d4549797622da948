"""``POST /api/v1/reputation/ratings``: the signed-in member rates another one.

Refusals are problem documents: 400 for bad fields or a rating of oneself, 409 for a
second rating of the same context or a ledger that changed meanwhile.
"""

import threading
from uuid import uuid4

import pytest
from django.db import connections
from rest_framework.test import APIClient

from domains.reputation.models import Rating

URL = "/api/v1/reputation/ratings"
PROBLEM = "application/problem+json"


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(f"{uuid4()}@example.org", "pw-1234567")


@pytest.fixture
def signed_in(api_client, member):
    api_client.force_authenticate(member)
    return api_client


def rating_for(ratee_id, **overrides) -> dict:
    return {
        "ratee_id": str(ratee_id), "context_type": "booking", "context_id": "b-1",
        "score": 4, "comment": "On time and helpful.", **overrides,
    }  # fmt: skip


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_a_rating_is_recorded_and_listed_for_the_rated_member(signed_in, member, ledger_app):
    ratee = uuid4()
    response = signed_in.post(URL, rating_for(ratee), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rater_id"] == str(member.id)
    assert (body["ratee_id"], body["score"], body["context_id"]) == (str(ratee), 4, "b-1")
    listed = signed_in.get(f"/api/v1/reputation/members/{ratee}/ratings").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_signing_in_is_required(api_client, ledger_app):
    response = api_client.post(URL, rating_for(uuid4()), format="json")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_bad_fields_are_400_problems_naming_each_field(signed_in, ledger_app):
    response = signed_in.post(
        URL, rating_for("not-a-uuid", score=9, context_type=""), format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert {e["field"] for e in body["errors"]} == {"ratee_id", "score", "context_type"}
    assert Rating.objects.using("reputation").count() == 0


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_rating_oneself_is_a_400_problem(signed_in, member, ledger_app):
    response = signed_in.post(URL, rating_for(member.id), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "ratee_id"
    assert ledger_app.recorder.max_notification_id() is None


@pytest.mark.django_db(databases=["identity", "reputation"])
def test_a_second_rating_of_the_same_context_is_a_409_problem(signed_in, ledger_app):
    ratee = uuid4()
    assert signed_in.post(URL, rating_for(ratee), format="json").status_code == 201
    response = signed_in.post(URL, rating_for(ratee, score=1), format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "/problems/conflict"
    assert Rating.objects.using("reputation").get(ratee_id=ratee).score == 4


@pytest.mark.django_db(databases=["identity", "reputation"], transaction=True)
def test_concurrent_ratings_of_one_member_one_wins_the_other_is_a_409(
    django_user_model, ledger_app, monkeypatch
):
    ratee = uuid4()
    raters = [
        django_user_model.objects.create_user(f"r{n}@example.org", "pw-1234567") for n in (1, 2)
    ]
    first = APIClient()
    first.force_authenticate(raters[0])
    assert (
        first.post(URL, rating_for(ratee, context_id="earlier"), format="json").status_code == 201
    )
    connections.close_all()  # back to the pool: each request's thread needs a connection
    # Both requests read the ledger at the same version before either writes.
    both_read = threading.Barrier(2, timeout=10)
    read = ledger_app.repository.get

    def read_then_wait(*args, **kwargs):
        ledger = read(*args, **kwargs)
        both_read.wait()
        return ledger

    monkeypatch.setattr(ledger_app.repository, "get", read_then_wait)
    responses = []

    def rate(rater) -> None:
        client = APIClient()
        client.force_authenticate(rater)
        try:
            responses.append(client.post(URL, rating_for(ratee), format="json"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate, args=(rater,)) for rater in raters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [201, 409]
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict["Content-Type"] == PROBLEM
    assert conflict.json()["type"] == "/problems/conflict"
    assert "retry" in conflict.json()["detail"]
    assert Rating.objects.using("reputation").filter(ratee_id=ratee).count() == 2
