"""From an event to its envelope and back: what producers and consumers call.

A producer wraps an ``Event`` with ``envelope_for``; a consumer turns an ``Envelope``
back into the registered contract with ``decode``. ``Event`` itself lives in
``contracts.base`` and is re-exported here.
"""

import uuid
from datetime import UTC, datetime

from contracts.base import Event
from contracts.envelope import Envelope, new_event_id
from contracts.registry import load_all

__all__ = ["Event", "decode", "envelope_for"]


def envelope_for(
    event: Event,
    *,
    producer: str,
    correlation_id: str | None = None,
    traceparent: str | None = None,
    occurred_at: datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> Envelope:
    """The envelope publishing ``event``: a new UUIDv7 id and the current time by default."""
    return Envelope(
        id=event_id or new_event_id(),
        type=event.TYPE,
        version=event.VERSION,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=producer,
        payload=event.payload(),
        correlation_id=correlation_id,
        traceparent=traceparent,
    )


def decode(envelope: Envelope) -> Event:
    """The registered contract for the envelope's (type, version), read from its payload.

    Every contract module is loaded first, so a consumer need not import the ones it
    reads. Raises ``UnknownEventType`` when nothing is registered for the envelope's
    (type, version) and ``InvalidPayload`` when its payload does not fit the contract.
    """
    return load_all().get(envelope.type, envelope.version).from_payload(envelope.payload)
