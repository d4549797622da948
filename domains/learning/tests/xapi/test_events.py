"""Every stored statement publishes learning.statement_recorded and every voiding
learning.statement_voided through the outbox, in the statement's transaction."""

import pytest

from contracts.envelope import Envelope
from contracts.events import decode
from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.learning.tests.xapi.conftest import new_id, statement
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(databases=["learning"])


def _events(event_type: str):
    rows = OutboxMessage.objects.using("learning").filter(event_type=event_type)
    return [decode(Envelope.from_dict(row.envelope)) for row in rows.order_by("id")]


def test_each_stored_statement_is_published_once_with_its_facts(lrs):
    registration = new_id()
    body = statement(
        result={"score": {"scaled": 0.9}, "success": True, "completion": True},
        context={"registration": registration},
        timestamp="2026-02-01T09:00:00Z",
    )
    [statement_id] = lrs.post(body).json()
    lrs.post(body | {"id": statement_id})  # identical repeat: stored once, published once
    [event] = _events(StatementRecorded.TYPE)
    assert isinstance(event, StatementRecorded)
    assert str(event.statement_id) == statement_id
    assert event.actor_ifi == "mailto:ana@example.com"
    assert event.verb_id == "http://adlnet.gov/expapi/verbs/completed"
    assert event.object_id == "https://learn.example.org/courses/django-basics"
    assert event.object_type == "Activity"
    assert str(event.registration) == registration
    assert (event.result_score_scaled, event.result_success, event.result_completion) == (
        0.9, True, True,
    )  # fmt: skip
    assert event.timestamp.isoformat() == "2026-02-01T09:00:00+00:00"
    row = OutboxMessage.objects.using("learning").get(event_type=StatementRecorded.TYPE)
    assert row.aggregate_id == statement_id
    assert row.envelope["producer"] == "learning"


def test_an_agent_object_is_published_by_its_identifier(lrs):
    lrs.post(
        statement(
            object={
                "objectType": "Agent",
                "account": {"homePage": "https://h.example", "name": "b"},
            }
        )
    )
    [event] = _events(StatementRecorded.TYPE)
    assert (event.object_type, event.object_id) == ("Agent", "account:https://h.example|b")


def test_a_rejected_batch_publishes_nothing(lrs):
    assert lrs.post([statement(), statement(verb={"id": "nope"})]).status_code == 400
    assert not OutboxMessage.objects.using("learning").exists()


def test_voiding_publishes_statement_voided(lrs):
    [target] = lrs.post(statement()).json()
    voiding = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target},
    )
    [voiding_id] = lrs.post(voiding).json()
    [event] = _events(StatementVoided.TYPE)
    assert (str(event.statement_id), str(event.voiding_statement_id)) == (target, voiding_id)
    assert len(_events(StatementRecorded.TYPE)) == 2  # the voiding statement is recorded too
