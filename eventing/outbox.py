"""Publishing from an ORM write: the transactional outbox.

``outbox_publish`` writes the event's envelope into the domain's own database in the
caller's transaction, so the event exists if and only if the write committed. The
envelope carries the current trace context (``traceparent``) so the consumer's span
joins the request's trace. Nothing is sent from inside the transaction: after commit
the relay (``relay_events``, or the in-process bus in the embedded run) delivers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from opentelemetry.trace import SpanKind

from common.observability.tracing import inject_traceparent, tracer
from contracts.envelope import Envelope
from contracts.events import Event, envelope_for
from eventing.models import OutboxMessage


class OutsideTransaction(RuntimeError):
    """An outbox write outside ``transaction.atomic(using=alias)`` could outlive a rollback."""


def outbox_publish(
    *,
    alias: str,
    event: Event,
    producer: str,
    aggregate_id: str = "",
    correlation_id: str | None = None,
    traceparent: str | None = None,
) -> Envelope:
    """Record ``event`` for publication, in the open transaction on ``alias``."""
    if not transaction.get_connection(alias).in_atomic_block:
        raise OutsideTransaction(f"outbox_publish needs transaction.atomic(using={alias!r}).")
    with tracer.start_as_current_span(f"publish {event.TYPE}", kind=SpanKind.PRODUCER) as span:
        span.set_attribute("messaging.system", "redis_streams")
        span.set_attribute("messaging.destination.name", f"events:{producer}")
        envelope = envelope_for(
            event,
            producer=producer,
            correlation_id=correlation_id,
            traceparent=traceparent or inject_traceparent(),
        )
        span.set_attribute("messaging.message.id", str(envelope.id))
    OutboxMessage.objects.using(alias).create(
        event_id=envelope.id,
        event_type=envelope.type,
        event_version=envelope.version,
        aggregate_id=aggregate_id,
        envelope=envelope.to_dict(),
    )
    if not settings.REDIS_URL:
        # Embedded run: no relay process; deliver in process once the write is durable.
        from eventing.inprocess import deliver_outbox

        transaction.on_commit(lambda: deliver_outbox(alias), using=alias)
    return envelope
