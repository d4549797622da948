"""The envelope: round trips, time-ordered ids, unknown keys ignored, bad input named."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from contracts.envelope import Envelope, is_valid_traceparent, new_event_id
from contracts.errors import InvalidEnvelope

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def make_envelope(**overrides) -> Envelope:
    values = {
        "id": new_event_id(),
        "type": "learning.statement_recorded",
        "version": 1,
        "occurred_at": datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        "producer": "learning",
        "payload": {"statement_id": str(uuid.uuid4()), "nested": {"list": [1, 2]}},
        "correlation_id": "req-42",
        "traceparent": TRACEPARENT,
    }
    return Envelope(**values | overrides)


def test_round_trips_through_dict_and_json():
    envelope = make_envelope()
    assert Envelope.from_dict(envelope.to_dict()) == envelope
    assert Envelope.from_json(envelope.to_json()) == envelope
    assert len({envelope, Envelope.from_json(envelope.to_json())}) == 1  # hashable, by value


def test_to_dict_is_json_safe():
    envelope = make_envelope()
    data = json.loads(envelope.to_json())
    assert data["id"] == str(envelope.id)
    assert data["occurred_at"] == "2026-03-01T12:30:00+00:00"
    assert data["payload"] == envelope.payload


def test_optional_keys_may_be_absent():
    data = make_envelope().to_dict()
    del data["correlation_id"], data["traceparent"]
    envelope = Envelope.from_dict(data)
    assert envelope.correlation_id is None and envelope.traceparent is None


def test_unknown_keys_are_ignored():
    envelope = make_envelope()
    data = envelope.to_dict() | {"schema_url": "urn:x", "tenant": "demo"}
    assert Envelope.from_dict(data) == envelope


def test_event_ids_are_uuid7_and_later_ones_sort_later():
    ids = [new_event_id() for _ in range(1000)]
    assert all(type(each) is uuid.UUID and each.version == 7 for each in ids)
    assert ids == sorted(ids)
    assert [str(each) for each in ids] == sorted(str(each) for each in ids)
    assert len(set(ids)) == len(ids)


def test_occurred_at_is_held_in_utc():
    plus_two = timezone(timedelta(hours=2))
    envelope = make_envelope(occurred_at=datetime(2026, 3, 1, 14, 30, tzinfo=plus_two))
    assert envelope.occurred_at.utcoffset() == timedelta(0)
    assert envelope.occurred_at == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("key", ["id", "type", "version", "occurred_at", "producer", "payload"])
def test_a_missing_required_key_is_named(key):
    data = make_envelope().to_dict()
    del data[key]
    with pytest.raises(InvalidEnvelope, match=f"'{key}'"):
        Envelope.from_dict(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "not-a-uuid"),
        ("id", 42),
        ("type", ""),
        ("type", None),
        ("version", "1"),
        ("version", True),
        ("version", 0),
        ("occurred_at", "yesterday"),
        ("occurred_at", "2026-03-01T12:30:00"),  # no offset
        ("producer", ""),
        ("payload", ["not", "an", "object"]),
        ("correlation_id", ""),
        ("correlation_id", 7),
        ("traceparent", "not-a-traceparent"),
    ],
)
def test_an_invalid_key_is_named(key, value):
    data = make_envelope().to_dict() | {key: value}
    with pytest.raises(InvalidEnvelope, match=f"'{key}'"):
        Envelope.from_dict(data)


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", '"envelope"', b"\xff\xfe"])
def test_text_that_is_not_a_json_object_is_refused(text):
    with pytest.raises(InvalidEnvelope):
        Envelope.from_json(text)


def test_a_naive_occurred_at_is_refused_on_construction():
    with pytest.raises(InvalidEnvelope, match="'occurred_at'"):
        make_envelope(occurred_at=datetime(2026, 3, 1, 12, 30))


@pytest.mark.parametrize(
    "value",
    [TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"],
)
def test_valid_traceparents(value):
    assert is_valid_traceparent(value)
    assert make_envelope(traceparent=value).traceparent == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # unknown version
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
    ],
)
def test_invalid_traceparents_are_refused(value):
    assert not is_valid_traceparent(value)
    with pytest.raises(InvalidEnvelope, match="'traceparent'"):
        make_envelope(traceparent=value)
