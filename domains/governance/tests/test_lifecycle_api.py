"""A proposal's whole life through the API: draft, discussion, voting, decision.

One member, one vote: a changed vote replaces the earlier one; a vote after the
deadline is refused; the count happens when voting closes, by the proposal's method
(simple majority, or consent where one objection blocks), subject to the quorum.
"""

import pytest

from contracts.governance.v1 import DecisionRecorded, ProposalStatusChanged
from domains.governance.models import RegisterEntry, Vote
from domains.governance.tests.conftest import register_member
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["identity", "governance"])

API = "/api/v1/governance"
PROBLEM = "application/problem+json"


def voters(count):
    users = [member() for _ in range(count)]
    for user in users:
        register_member(user.id)
    return users


def create(client, author, **fields):
    body = {"title": "Open on Saturdays", "summary": "Keep one space open.", **fields}
    response = client.post(f"{API}/proposals/create", body, format="json", **bearer(author))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def act(client, user, proposal_id, endpoint, **fields):
    return client.post(
        f"{API}/proposals/{proposal_id}/{endpoint}", fields, format="json", **bearer(user)
    )


def open_voting(client, author, proposal_id, clock, hours=24):
    assert act(client, author, proposal_id, "transition", action="discuss").status_code == 200
    deadline = clock.now.replace(microsecond=0) + __import__("datetime").timedelta(hours=hours)
    response = act(
        client, author, proposal_id, "transition", action="vote", deadline=deadline.isoformat()
    )
    assert response.status_code == 200, response.content
    return deadline


def test_majority_lifecycle_with_changed_vote_late_vote_and_register(
    api_client, governance_app, clock
):
    author, ana, bruno, chidi = voters(4)
    pid = create(api_client, author, method="majority", quorum=3)
    assert api_client.get(f"{API}/proposals/{pid}").json()["status"] == "draft"

    # Only the author moves it; comments only once it is discussed.
    assert act(api_client, ana, pid, "transition", action="discuss").status_code == 403
    assert act(api_client, ana, pid, "comment", body="Early").status_code == 409
    open_voting(api_client, author, pid, clock)
    assert act(api_client, ana, pid, "comment", body="I like it").status_code == 200
    assert api_client.get(f"{API}/proposals/{pid}/comments").json()["count"] == 1

    assert act(api_client, ana, pid, "vote", choice="no").status_code == 200
    assert act(api_client, ana, pid, "vote", choice="yes").status_code == 200  # changed
    assert act(api_client, bruno, pid, "vote", choice="yes").status_code == 200
    assert act(api_client, chidi, pid, "vote", choice="no").status_code == 200
    bad = act(api_client, chidi, pid, "vote", choice="object")
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM

    early = act(api_client, ana, pid, "close")
    assert early.status_code == 409 and "deadline" in early.json()["detail"]

    clock.advance(hours=24)
    late = act(api_client, chidi, pid, "vote", choice="yes")
    assert late.status_code == 409 and "deadline" in late.json()["detail"]

    decided = act(api_client, ana, pid, "close")
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["status"], body["outcome"], body["voters"]) == ("decided", "adopted", 3)
    assert body["counts"] == {"yes": 2, "no": 1, "abstain": 0}
    votes = {
        v["member_id"]: v for v in api_client.get(f"{API}/proposals/{pid}/votes").json()["results"]
    }
    assert votes[str(ana.id)]["choice"] == "yes" and votes[str(ana.id)]["casts"] == 2
    assert act(api_client, ana, pid, "close").status_code == 409  # decided once

    # Every vote cast (four) and the decision are in the register, in order.
    kinds = list(RegisterEntry.objects.using("governance").values_list("kind", flat=True))
    assert kinds == ["vote"] * 4 + ["decision"]
    # Other domains hear of it through the published contracts.
    published = [
        governance_app.to_published(governance_app.mapper.to_domain_event(n))
        for n in governance_app.recorder.select_notifications(start=1, limit=100)
    ]
    assert [p.status for p in published if isinstance(p, ProposalStatusChanged)] == [
        "draft",
        "discussion",
        "voting",
    ]
    decisions = [p for p in published if isinstance(p, DecisionRecorded)]
    assert [(d.outcome, d.method) for d in decisions] == [("adopted", "majority")]


def test_consent_is_blocked_by_one_objection(api_client, governance_app, clock):
    author, ana, bruno = voters(3)
    pid = create(api_client, author, method="consent", quorum=2)
    open_voting(api_client, author, pid, clock)
    act(api_client, ana, pid, "vote", choice="consent")
    act(api_client, bruno, pid, "vote", choice="object")
    clock.advance(days=2)
    body = act(api_client, ana, pid, "close").json()
    assert (body["status"], body["outcome"]) == ("rejected", "blocked")


def test_without_quorum_nothing_is_decided(api_client, governance_app, clock):
    author, ana = voters(2)
    pid = create(api_client, author, method="majority", quorum=2)
    open_voting(api_client, author, pid, clock)
    act(api_client, ana, pid, "vote", choice="yes")
    clock.advance(days=2)
    body = act(api_client, ana, pid, "close").json()
    assert (body["status"], body["outcome"]) == ("rejected", "no_quorum")


def test_a_member_unknown_to_governance_cannot_vote(api_client, governance_app, clock):
    (author,) = voters(1)
    stranger = member()  # registered in identity, but its event has not arrived here
    pid = create(api_client, author)
    open_voting(api_client, author, pid, clock)
    refused = act(api_client, stranger, pid, "vote", choice="yes")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    assert not Vote.objects.using("governance").exists()


def test_withdrawn_and_missing_proposals(api_client, governance_app, clock):
    (author,) = voters(1)
    pid = create(api_client, author)
    assert (
        act(api_client, author, pid, "transition", action="withdraw").json()["status"]
        == "withdrawn"
    )
    assert act(api_client, author, pid, "transition", action="discuss").status_code == 409
    missing = act(api_client, author, "00000000-0000-0000-0000-000000000000", "vote", choice="yes")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    # What is missing is said before who is asking: a stranger hears 404 too.
    unknown = act(
        api_client, member(), "00000000-0000-0000-0000-000000000000", "vote", choice="yes"
    )
    assert unknown.status_code == 404 and unknown["Content-Type"] == PROBLEM
