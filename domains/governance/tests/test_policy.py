"""Governance's floor (issue 15, Medium 8): a proposal with ``quorum: 1`` and a
three-second vote let a single learner adopt it into the signed register in five
seconds. Minimum quorum, discussion time and voting period are configurable policy,
enforced by the aggregate (400 naming the field)."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domains.governance import services
from domains.governance.domain.proposal import NotAllowedNow, ProposalRefused

pytestmark = pytest.mark.django_db(databases=["governance", "identity", "default"])


@pytest.fixture
def floor(settings):
    settings.GOVERNANCE_MIN_QUORUM = 3
    settings.GOVERNANCE_MIN_DISCUSSION_SECONDS = 86_400
    settings.GOVERNANCE_MIN_VOTING_SECONDS = 2 * 86_400


def _create(quorum: int = 3):
    author = uuid4()
    proposal = services.proposal_create(
        author_id=author, title="Adopt it", summary="Now.", method="majority", quorum=quorum
    )
    return author, proposal


def test_the_production_defaults_are_a_floor():
    from config.settings import governance

    assert governance.GOVERNANCE_MIN_QUORUM >= 3
    assert governance.GOVERNANCE_MIN_DISCUSSION_SECONDS >= 86_400
    assert governance.GOVERNANCE_MIN_VOTING_SECONDS >= 86_400


def test_a_quorum_below_the_floor_is_refused(governance_app, clock, floor):
    with pytest.raises(ProposalRefused) as refused:
        _create(quorum=1)
    assert refused.value.field == "quorum"


def test_the_five_second_adoption_is_refused(governance_app, clock, floor):
    author, proposal = _create()
    services.proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
    clock.now += timedelta(seconds=2)
    with pytest.raises(NotAllowedNow):  # the discussion has not run its day
        services.proposal_transition(
            proposal_id=proposal.id, actor_id=author, action="vote",
            deadline=clock.now + timedelta(days=3),
        )  # fmt: skip
    clock.now += timedelta(days=1)
    with pytest.raises(ProposalRefused) as refused:  # a three-second vote
        services.proposal_transition(
            proposal_id=proposal.id, actor_id=author, action="vote",
            deadline=clock.now + timedelta(seconds=3),
        )  # fmt: skip
    assert refused.value.field == "deadline"
    opened = services.proposal_transition(
        proposal_id=proposal.id, actor_id=author, action="vote",
        deadline=clock.now + timedelta(days=2),
    )  # fmt: skip
    assert opened.status == "voting"


def test_the_api_answers_400_naming_the_quorum(client, governance_app, floor, settings):
    from tests.security.conftest import bearer, member

    settings.RATELIMIT_ENABLE = False
    response = client.post(
        "/api/v1/governance/proposals/create",
        {"title": "Adopt it", "summary": "Now.", "method": "majority", "quorum": 1},
        content_type="application/json", **bearer(member()),
    )  # fmt: skip
    assert response.status_code == 400
    assert "quorum" in response.content.decode()
