"""Is a contract's current schema still compatible with a version already published?

Published events are read by consumers we do not deploy with, and replayed from
stores years later, so a published version must stay readable both ways: an old
consumer must still find every field it knows with the type it expects, and a new
consumer must still read old events. Hence the rules: removing or retyping a field,
adding a required field or making an optional one required is breaking; adding an
optional field is not (consumers ignore unknown fields).
"""

from typing import Any


def breaking_changes(published: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Why ``current`` cannot replace ``published`` (JSON Schemas); empty when it can."""
    old_fields = published.get("properties", {})
    new_fields = current.get("properties", {})
    reasons = []
    for name, old in old_fields.items():
        if name not in new_fields:
            reasons.append(f"field '{name}' was removed")
        elif _shape(old) != _shape(new := new_fields[name]):
            reasons.append(f"field '{name}' changed type from {_describe(old)} to {_describe(new)}")
    was_required = set(published.get("required", []))
    for name in current.get("required", []):
        if name in was_required or name not in new_fields:
            continue
        if name in old_fields:
            reasons.append(f"optional field '{name}' was made required")
        else:
            reasons.append(f"new field '{name}' is required (a new field must be optional)")
    return reasons


def _types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type", [])
    return frozenset([declared] if isinstance(declared, str) else declared)


def _shape(schema: Any) -> Any:
    """What a field's values may be, without annotations such as title or default."""
    if not isinstance(schema, dict):
        return schema
    return (
        _types(schema),
        schema.get("format"),
        _shape(schema.get("items")),
        _shape(schema.get("additionalProperties")),
    )


def _describe(schema: dict[str, Any]) -> str:
    names = []
    for kind in sorted(_types(schema), key=lambda kind: (kind == "null", kind)):
        if kind == "array":
            names.append(f"array of {_describe(schema.get('items', {}))}")
        elif kind != "null" and "format" in schema:
            names.append(f"{kind} ({schema['format']})")
        else:
            names.append(kind)
    return " or ".join(names) or "anything"
