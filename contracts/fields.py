"""The annotations an event field may carry: how its values are encoded, checked and described.

Payloads cross processes (and may one day cross languages) as JSON, so a field holds
only what JSON carries plainly: ``str``, ``int``, ``float``, ``bool``, ``uuid.UUID``
(a string), ``datetime`` (an ISO 8601 string with an offset), ``list[X]``,
``dict[str, X]`` and ``X | None``. Keeping the codec and the JSON Schema of a field
in one module means they cannot drift apart.
"""

import math
import types
import uuid
from datetime import datetime
from typing import Any, Union, get_args, get_origin

from contracts.errors import InvalidPayload

_SCALAR_SCHEMAS: dict[Any, dict[str, str]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    datetime: {"type": "string", "format": "date-time"},
}


def split_optional(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` -> ``(X, True)``; ``X`` -> ``(X, False)``. Other unions are refused."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not types.NoneType]
        if len(members) != 1:
            raise TypeError(f"unsupported field annotation {annotation!r}: only 'X | None'")
        return members[0], True
    return annotation, False


def to_json_value(value: Any) -> Any:
    """A field value as JSON-safe data."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    return value


def coerce(annotation: Any, value: Any, path: str) -> Any:
    """``value`` checked against ``annotation``, JSON strings parsed to UUIDs and datetimes.

    Raises ``InvalidPayload`` naming ``path`` when the value does not fit.
    """
    inner, nullable = split_optional(annotation)
    if value is None:
        if nullable:
            return None
        raise InvalidPayload(f"field '{path}' must not be null", field=path)
    if inner is Any:
        return value
    if inner in _SCALAR_SCHEMAS:
        return _coerce_scalar(inner, value, path)
    origin, args = get_origin(inner) or inner, get_args(inner)
    if origin is list:
        if not isinstance(value, list | tuple):
            raise _mismatch(path, "a list", value)
        item = args[0] if args else Any
        return [coerce(item, each, f"{path}[{index}]") for index, each in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise _mismatch(path, "an object with string keys", value)
        item = args[1] if args else Any
        return {key: coerce(item, each, f"{path}.{key}") for key, each in value.items()}
    raise TypeError(f"unsupported field annotation {annotation!r} for '{path}'")


def field_schema(annotation: Any) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one field's values."""
    inner, nullable = split_optional(annotation)
    if inner is Any:
        return {}
    if inner in _SCALAR_SCHEMAS:
        schema: dict[str, Any] = dict(_SCALAR_SCHEMAS[inner])
    else:
        origin, args = get_origin(inner) or inner, get_args(inner)
        if origin is list:
            schema = {"type": "array", "items": field_schema(args[0] if args else Any)}
        elif origin is dict:
            if args and args[0] is not str:
                raise TypeError(f"unsupported field annotation {annotation!r}: keys must be str")
            schema = {"type": "object"}
            if args and args[1] is not Any:
                schema["additionalProperties"] = field_schema(args[1])
        else:
            raise TypeError(f"unsupported field annotation {annotation!r}")
    if nullable:
        schema["type"] = [schema["type"], "null"]
    return schema


def _coerce_scalar(kind: type, value: Any, path: str) -> Any:
    if kind is uuid.UUID:
        if isinstance(value, uuid.UUID):
            return value
        try:
            return uuid.UUID(value)
        except (TypeError, ValueError, AttributeError):
            raise _mismatch(path, "a UUID string", value) from None
    if kind is datetime:
        parsed = value
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise _mismatch(path, "an ISO 8601 date-time", value) from None
        if not isinstance(parsed, datetime) or parsed.utcoffset() is None:
            raise _mismatch(path, "an ISO 8601 date-time with a UTC offset", value)
        return parsed
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _mismatch(path, "a number", value)
        if not math.isfinite(value):
            raise _mismatch(path, "a finite number", value)
        return float(value)
    # A bool is an int to Python, not to JSON.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _mismatch(path, f"of type {_SCALAR_SCHEMAS[kind]['type']}", value)
    return value


def _mismatch(path: str, expected: str, value: Any) -> InvalidPayload:
    # The type of the bad value, never the value: payloads carry personal data.
    return InvalidPayload(
        f"field '{path}' must be {expected}, got {type(value).__name__}", field=path
    )
