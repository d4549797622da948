"""Governance: the proposal lifecycle only moves forward; proposals filter by status."""

import pytest

from common.demo_ids import demo_member_id
from domains.governance.domain.lifecycle import ProposalStatus as S
from domains.governance.domain.lifecycle import can_transition
from domains.governance.models import Proposal


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.DRAFT, S.DISCUSSION, True),
        (S.DISCUSSION, S.VOTING, True),
        (S.VOTING, S.DECIDED, True),
        (S.VOTING, S.REJECTED, True),
        (S.DRAFT, S.WITHDRAWN, True),
        (S.DRAFT, S.VOTING, False),
        (S.VOTING, S.WITHDRAWN, False),
        (S.DECIDED, S.DRAFT, False),
        (S.REJECTED, S.VOTING, False),
    ],
)
def test_lifecycle(current, target, allowed):
    assert can_transition(current, target) is allowed


@pytest.mark.django_db(databases=["governance"])
def test_proposals_filter_by_status(api_client):
    author = demo_member_id("author@example.org")
    Proposal.objects.create(author_id=author, title="Open", summary="s", status=S.VOTING)
    Proposal.objects.create(author_id=author, title="Done", summary="s", status=S.DECIDED)
    body = api_client.get("/api/v1/governance/proposals", {"status": "voting"}).json()
    assert [p["title"] for p in body["results"]] == ["Open"]
