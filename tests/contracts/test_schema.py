"""JSON Schema generation: every supported annotation, and valid draft 2020-12 output."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from contracts.events import Event
from contracts.registry import load_all
from contracts.schema import json_schema


@dataclass(frozen=True, kw_only=True)
class Everything(Event):
    TYPE = "demo.everything_happened"
    VERSION = 3

    text: str
    count: int
    ratio: float
    flag: bool
    some_id: uuid.UUID
    at: datetime
    maybe_id: uuid.UUID | None = None
    maybe_at: datetime | None
    tags: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]]
    extra: dict[str, Any]
    label: str = ""


def test_properties_are_typed_from_annotations():
    schema = json_schema(Everything)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:contracts:demo.everything_happened:v3"
    assert schema["title"] == "demo.everything_happened v3"
    assert schema["additionalProperties"] is True
    assert schema["properties"] == {
        "text": {"type": "string"},
        "count": {"type": "integer"},
        "ratio": {"type": "number"},
        "flag": {"type": "boolean"},
        "some_id": {"type": "string", "format": "uuid"},
        "at": {"type": "string", "format": "date-time"},
        "maybe_id": {"type": ["string", "null"], "format": "uuid", "default": None},
        "maybe_at": {"type": ["string", "null"], "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": {"type": "object"}},
        "extra": {"type": "object"},
        "label": {"type": "string", "default": ""},
    }
    assert schema["required"] == [
        "text", "count", "ratio", "flag", "some_id", "at", "maybe_at", "rows", "extra"
    ]  # fmt: skip


def test_payloads_validate_against_the_schema_and_unknown_fields_are_allowed():
    event = Everything(
        text="t",
        count=1,
        ratio=0.5,
        flag=False,
        some_id=uuid.uuid4(),
        at=datetime(2026, 3, 1, tzinfo=UTC),
        maybe_at=None,
        tags=["a"],
        rows=[{"k": [1, 2]}],
        extra={"nested": {"x": 1}},
    )
    validator = Draft202012Validator(json_schema(Everything))
    validator.validate(event.payload())
    validator.validate(event.payload() | {"added_later": True})
    assert Everything.from_payload(event.payload()) == event


@pytest.mark.parametrize("cls", load_all().all(), ids=lambda cls: f"{cls.TYPE}.v{cls.VERSION}")
def test_every_contract_schema_is_valid_draft_2020_12(cls):
    Draft202012Validator.check_schema(json_schema(cls))
