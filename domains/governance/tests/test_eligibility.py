"""Eligibility from published events only: reputation (``reputation.changed``) and roles
(``identity.role_granted`` / ``role_revoked``), delivered through governance's inbox."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.events import envelope_for
from contracts.identity.v1 import RoleGranted, RoleRevoked
from contracts.reputation.v1 import ReputationChanged
from domains.governance.eligibility import voting_refusal
from domains.governance.tests.conftest import register_member
from eventing.inbox import apply_envelope

pytestmark = pytest.mark.django_db(databases=["governance"])


def deliver(event, producer):
    apply_envelope("governance", envelope_for(event, producer=producer))


def test_reputation_threshold_and_role_bypass(settings):
    settings.GOVERNANCE_VOTE_MIN_REPUTATION = 3.5
    member = register_member()
    assert "reputation of at least 3.5" in voting_refusal(member_id=member)
    now = datetime.now(UTC)
    deliver(ReputationChanged(member_id=member, score=4.0, ratings_counted=3, computed_at=now),
            "reputation")  # fmt: skip
    assert voting_refusal(member_id=member) is None
    # An older computation redelivered late does not win over the newer one.
    deliver(ReputationChanged(member_id=member, score=1.0, ratings_counted=1,
                              computed_at=now - timedelta(days=1)), "reputation")  # fmt: skip
    assert voting_refusal(member_id=member) is None
    deliver(ReputationChanged(member_id=member, score=2.0, ratings_counted=4,
                              computed_at=now + timedelta(days=1)), "reputation")  # fmt: skip
    assert voting_refusal(member_id=member) is not None

    deliver(RoleGranted(member_id=member, role="moderator", granted_at=now), "identity")
    assert voting_refusal(member_id=member) is None
    deliver(RoleRevoked(member_id=member, role="moderator", revoked_at=now), "identity")
    assert voting_refusal(member_id=member) is not None


def test_roles_may_arrive_before_the_registration():
    from uuid import uuid4

    member = uuid4()
    deliver(RoleGranted(member_id=member, role="admin", granted_at=datetime.now(UTC)), "identity")
    assert "no record of your membership" in voting_refusal(member_id=member)
    register_member(member)
    assert voting_refusal(member_id=member) is None
