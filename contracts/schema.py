"""JSON Schema (draft 2020-12) of an event contract, as published and snapshotted.

The schema is what other teams and tools read, and what the compatibility check
compares with the versions already published. ``additionalProperties`` is true
because consumers ignore fields they do not know: that is what lets a producer add
an optional field without a new version.
"""

from dataclasses import MISSING, fields
from typing import Any

from contracts.base import Event, field_annotations
from contracts.fields import field_schema, to_json_value

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(cls: type[Event]) -> dict[str, Any]:
    """The payload schema of ``cls``: required fields are those without a default."""
    annotations = field_annotations(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in fields(cls):
        properties[field.name] = field_schema(annotations[field.name])
        if field.default is not MISSING:
            properties[field.name]["default"] = to_json_value(field.default)
        elif field.default_factory is MISSING:
            required.append(field.name)
    return {
        "$schema": DIALECT,
        "$id": f"urn:contracts:{cls.TYPE}:v{cls.VERSION}",
        "title": f"{cls.TYPE} v{cls.VERSION}",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": True,
    }
