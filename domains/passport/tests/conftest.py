"""Fixtures for passport tests: an empty credential store, a clock, a framework with
rules, and learning statements delivered the way the consumer delivers them
(``eventing.inbox.apply_envelope`` for group ``passport``)."""

from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid4, uuid5

import pytest

from common import clock as clock_module
from contracts.events import envelope_for
from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.passport.application import PassportApplication
from domains.passport.domain.levels import Level
from domains.passport.models import CompetencyFramework, MappingRule
from eventing.eventstore import get_application
from eventing.inbox import apply_envelope
from tests.eventstore.fixtures import Clock, empty

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
COURSE = "https://learn.example.org/courses/django"
EXAM = "https://learn.example.org/exams/django"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"


@pytest.fixture
def passport_app() -> PassportApplication:
    app = get_application(PassportApplication)
    empty(app)
    yield app
    empty(app)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock(datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr(clock_module, "_source", fake)
    return fake


@pytest.fixture
def web_api():
    """A framework with one competency and three rules (levels 1, 2 and 3)."""
    framework = CompetencyFramework.objects.create(name="Dev", version="1")
    competency = framework.competencies.create(code="WEB-1", name="Build a web API")
    rules = [
        (Level.AWARE, COMPLETED, {"activity_type": MODULE_TYPE, "min_count": 2}),
        (Level.PRACTISING, COMPLETED, {"activity_id": COURSE}),
        (Level.PROFICIENT, PASSED, {"activity_id": EXAM, "min_score": 0.8}),
    ]
    for level, verb, fields in rules:
        MappingRule.objects.create(competency=competency, level=level, verb_id=verb, **fields)
    return competency


def actor(email: str) -> tuple[str, object]:
    """An actor IFI and the passport holder id it maps to."""
    ifi = f"mailto:{email}"
    return ifi, uuid5(NAMESPACE_URL, ifi)


def record(ifi, verb, object_id, *, object_type="http://adlnet.gov/expapi/activities/course",
           score=None, success=None, statement_id=None):  # fmt: skip
    """Deliver ``learning.statement_recorded``; the envelope, for replaying."""
    now = datetime.now(UTC)
    event = StatementRecorded(
        statement_id=statement_id or uuid4(), actor_ifi=ifi, verb_id=verb, object_id=object_id,
        object_type=object_type, timestamp=now, stored=now,
        result_score_scaled=score, result_success=success,
    )  # fmt: skip
    envelope = envelope_for(event, producer="learning")
    apply_envelope("passport", envelope)
    return envelope


def void(statement_id):
    event = StatementVoided(
        statement_id=statement_id, voiding_statement_id=uuid4(), voided_at=datetime.now(UTC)
    )
    envelope = envelope_for(event, producer="learning")
    apply_envelope("passport", envelope)
    return envelope
