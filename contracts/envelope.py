"""The envelope every published event travels in, whatever its type.

The bus, the outbox, the inbox and the dead-letter stream handle envelopes without
knowing any event type: the envelope carries what they need (a time-ordered id for
idempotency and ordering, the type and version to pick a contract, who produced it and
when, the correlation id and W3C trace context) around an opaque JSON payload.
"""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from uuid6 import uuid7

from contracts.errors import InvalidEnvelope

_TRACEPARENT = re.compile(r"00-(?P<trace_id>[0-9a-f]{32})-(?P<parent_id>[0-9a-f]{16})-[0-9a-f]{2}")
_REQUIRED_KEYS = ("id", "type", "version", "occurred_at", "producer", "payload")


def new_event_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): ids made later in this process sort after earlier ones."""
    return uuid.UUID(int=uuid7().int)


def is_valid_traceparent(value: str) -> bool:
    """Whether ``value`` is a W3C Trace Context ``traceparent`` header (version 00)."""
    match = _TRACEPARENT.fullmatch(value)
    return bool(
        match
        and match["trace_id"] != "0" * 32  # all-zero ids are invalid by the spec
        and match["parent_id"] != "0" * 16
    )


@dataclass(frozen=True)
class Envelope:
    """One event on the wire. ``occurred_at`` is always held in UTC."""

    id: uuid.UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    payload: dict[str, Any] = field(hash=False)
    correlation_id: str | None = None
    traceparent: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, uuid.UUID):
            raise InvalidEnvelope("envelope key 'id' must be a UUID")
        for key in ("type", "producer"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise InvalidEnvelope(f"envelope key '{key}' must be a non-empty string")
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise InvalidEnvelope("envelope key 'version' must be an integer of at least 1")
        if not isinstance(self.occurred_at, datetime) or self.occurred_at.utcoffset() is None:
            raise InvalidEnvelope("envelope key 'occurred_at' must be a datetime with a UTC offset")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))
        if not isinstance(self.payload, dict):
            raise InvalidEnvelope("envelope key 'payload' must be an object")
        if self.correlation_id is not None and (
            not isinstance(self.correlation_id, str) or not self.correlation_id
        ):
            raise InvalidEnvelope("envelope key 'correlation_id' must be a non-empty string")
        if self.traceparent is not None and (
            not isinstance(self.traceparent, str) or not is_valid_traceparent(self.traceparent)
        ):
            raise InvalidEnvelope(
                "envelope key 'traceparent' must be a W3C traceparent "
                "(00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, ids not all zero)"
            )

    def to_dict(self) -> dict[str, Any]:
        """The envelope as JSON-safe values (id as a string, occurred_at in ISO 8601)."""
        return {
            "id": str(self.id),
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at.isoformat(),
            "producer": self.producer,
            "correlation_id": self.correlation_id,
            "traceparent": self.traceparent,
            "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Read an envelope, ignoring keys it does not know (newer producers may add some)."""
        if not isinstance(data, Mapping):
            raise InvalidEnvelope(f"an envelope must be an object, not {type(data).__name__}")
        for key in _REQUIRED_KEYS:
            if key not in data:
                raise InvalidEnvelope(f"envelope is missing required key '{key}'")
        return cls(
            id=_parse_uuid(data["id"]),
            type=data["type"],
            version=data["version"],
            occurred_at=_parse_datetime(data["occurred_at"]),
            producer=data["producer"],
            payload=data["payload"],
            correlation_id=data.get("correlation_id"),
            traceparent=data.get("traceparent"),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise InvalidEnvelope(f"an envelope must be a JSON object: {exc}") from None
        return cls.from_dict(data)


def _parse_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise InvalidEnvelope("envelope key 'id' must be a UUID string") from None


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidEnvelope(
            "envelope key 'occurred_at' must be an ISO 8601 date-time with a UTC offset"
        ) from None
