"""Events: JSON-safe payloads, tolerant reading, named errors, envelope and decode."""

import json
import uuid
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime

import pytest

from contracts.envelope import Envelope
from contracts.errors import InvalidPayload, UnknownEventType
from contracts.events import decode, envelope_for
from contracts.identity import v1 as identity_v1
from contracts.identity import v2 as identity_v2
from contracts.learning.v1 import StatementRecorded
from contracts.marketplace.v1 import BookingCancelled

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def statement(**overrides) -> StatementRecorded:
    values = {
        "statement_id": uuid.uuid4(),
        "actor_ifi": "mailto:ana@example.com",
        "verb_id": "http://adlnet.gov/expapi/verbs/completed",
        "object_id": "https://example.com/courses/1",
        "object_type": "Activity",
        "timestamp": NOW,
        "stored": NOW,
        "result_score_scaled": 0.8,
        "result_success": True,
    }
    return StatementRecorded(**values | overrides)


def test_payload_is_json_safe_and_round_trips():
    event = statement(registration=uuid.uuid4())
    payload = event.payload()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["statement_id"] == str(event.statement_id)
    assert payload["timestamp"] == "2026-03-01T12:30:00+00:00"
    assert payload["result_completion"] is None
    assert StatementRecorded.from_payload(payload) == event


def test_unknown_fields_are_ignored():
    event = statement()
    assert StatementRecorded.from_payload(event.payload() | {"added_later": 1}) == event


def test_missing_optional_fields_take_their_defaults():
    payload = statement().payload()
    for name in ("registration", "result_score_scaled", "result_success", "result_completion"):
        del payload[name]
    event = StatementRecorded.from_payload(payload)
    assert event.registration is None and event.result_score_scaled is None
    assert (
        BookingCancelled.from_payload(
            {
                "booking_id": str(uuid.uuid4()),
                "space_id": str(uuid.uuid4()),
                "member_id": str(uuid.uuid4()),
                "starts_at": "2026-03-01T12:00:00Z",
                "ends_at": "2026-03-01T13:00:00Z",
            }
        ).reason
        == ""
    )


def test_a_missing_required_field_is_named():
    payload = statement().payload()
    del payload["verb_id"]
    with pytest.raises(
        InvalidPayload, match=r"learning\.statement_recorded v1: .*'verb_id'"
    ) as err:
        StatementRecorded.from_payload(payload)
    assert err.value.field == "verb_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("statement_id", "not-a-uuid"),
        ("statement_id", 7),
        ("actor_ifi", 7),
        ("actor_ifi", None),
        ("timestamp", "2026-03-01T12:30:00"),  # no offset
        ("timestamp", "soon"),
        ("result_score_scaled", "0.8"),
        ("result_score_scaled", True),
        ("result_score_scaled", float("nan")),
        ("result_success", "yes"),
        ("result_success", 1),
    ],
)
def test_a_field_of_the_wrong_type_is_named(field, value):
    with pytest.raises(InvalidPayload, match=f"'{field}'") as err:
        StatementRecorded.from_payload(statement().payload() | {field: value})
    assert err.value.field == field


def test_a_payload_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidPayload, match="must be an object"):
        StatementRecorded.from_payload(["a", "list"])


def test_events_are_checked_and_frozen_when_made():
    event = statement(statement_id="0192e4a0-0000-7000-8000-000000000001", result_score_scaled=1)
    assert event.statement_id == uuid.UUID("0192e4a0-0000-7000-8000-000000000001")
    assert event.result_score_scaled == 1.0 and isinstance(event.result_score_scaled, float)
    with pytest.raises(InvalidPayload, match="'timestamp'"):
        statement(timestamp=datetime(2026, 3, 1, 12, 30))  # naive: cannot be published
    with pytest.raises(FrozenInstanceError):
        event.verb_id = "changed"


def test_envelope_for_and_decode_round_trip_through_json():
    event = statement()
    envelope = envelope_for(
        event, producer="learning", correlation_id="req-42", traceparent=TRACEPARENT
    )
    assert (envelope.type, envelope.version) == ("learning.statement_recorded", 1)
    assert (envelope.producer, envelope.correlation_id) == ("learning", "req-42")
    assert envelope.id.version == 7
    assert envelope.occurred_at.tzinfo is not None
    assert decode(Envelope.from_json(envelope.to_json())) == event


def test_envelope_for_takes_a_given_id_and_time():
    event_id = uuid.uuid4()
    envelope = envelope_for(statement(), producer="learning", occurred_at=NOW, event_id=event_id)
    assert (envelope.id, envelope.occurred_at) == (event_id, NOW)


def test_decode_picks_the_class_of_the_envelopes_version():
    fields = {"member_id": uuid.uuid4(), "display_name": "Ana", "joined_at": NOW}
    v1 = envelope_for(identity_v1.MemberRegistered(**fields), producer="identity")
    v2 = envelope_for(identity_v2.MemberRegistered(**fields, locale="pt-BR"), producer="identity")
    assert type(decode(v1)) is identity_v1.MemberRegistered
    assert decode(v2) == identity_v2.MemberRegistered(**fields, locale="pt-BR")


def test_versions_read_each_others_payloads():
    fields = {"member_id": uuid.uuid4(), "display_name": "Ana", "joined_at": NOW}
    v2_payload = identity_v2.MemberRegistered(**fields, locale="pt-BR").payload()
    assert identity_v1.MemberRegistered.from_payload(v2_payload) == identity_v1.MemberRegistered(
        **fields
    )
    v1_payload = identity_v1.MemberRegistered(**fields).payload()
    assert identity_v2.MemberRegistered.from_payload(v1_payload).locale is None


def test_decode_refuses_an_unknown_type_or_version():
    envelope = envelope_for(statement(), producer="learning")
    for type_, version in [("learning.statement_forgotten", 1), ("learning.statement_recorded", 9)]:
        unknown = replace(envelope, type=type_, version=version)
        with pytest.raises(UnknownEventType, match=f"{type_} v{version}"):
            decode(unknown)
