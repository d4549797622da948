"""Fixtures for governance tests: an empty event store, members in the directory, a clock.

Members reach governance the way they do in production: ``identity.member_registered``
envelopes applied through the consumer's inbox path (``eventing.inbox.apply_envelope``).
"""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from common import clock as clock_module
from contracts.events import envelope_for
from contracts.identity.v1 import MemberRegistered
from domains.governance.application import GovernanceApplication
from eventing.eventstore import get_application
from eventing.inbox import apply_envelope
from tests.eventstore.fixtures import Clock, empty


@pytest.fixture
def governance_app() -> GovernanceApplication:
    app = get_application(GovernanceApplication)
    empty(app)
    yield app
    empty(app)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(clock_module, "_source", fake)
    return fake


def register_member(member_id=None, name="member"):
    """Deliver ``identity.member_registered`` through governance's inbox."""
    member_id = member_id or uuid4()
    event = MemberRegistered(member_id=member_id, display_name=name, joined_at=datetime.now(UTC))
    apply_envelope("governance", envelope_for(event, producer="identity"))
    return member_id
