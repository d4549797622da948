"""Publishing from an ORM write: the transactional outbox.

``outbox_publish`` writes the event's envelope into the domain's own database in the
caller's transaction, so the event exists if and only if the write committed. The
envelope carries the current trace context (``traceparent``) so the consumer's span
joins the request's trace. Nothing is sent from inside the transaction: after commit
the delivery the process was composed with (``eventing.delivery``: the relay, or the
in-process bus of the embedded run) takes it.
"""

from __future__ import annotations

from django.db import transaction
from opentelemetry.trace import SpanKind

from common.observability.tracing import inject_traceparent, tracer
from contracts.envelope import Envelope
from contracts.events import Event, envelope_for
from eventing import delivery
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
    [envelope] = outbox_publish_many(
        alias=alias,
        producer=producer,
        events=[(event, aggregate_id)],
        correlation_id=correlation_id,
        traceparent=traceparent,
    )
    return envelope


def outbox_publish_many(
    *,
    alias: str,
    producer: str,
    events: list[tuple[Event, str]],
    correlation_id: str | None = None,
    traceparent: str | None = None,
) -> list[Envelope]:
    """Record several ``(event, aggregate_id)`` in one insert, in the open transaction.

    For writes that announce many events at once (an xAPI batch of 50 statements): one
    round trip instead of one per event, same rows, same order.
    """
    if not transaction.get_connection(alias).in_atomic_block:
        raise OutsideTransaction(f"outbox_publish needs transaction.atomic(using={alias!r}).")
    if not events:
        return []
    name = events[0][0].TYPE if len({e.TYPE for e, _ in events}) == 1 else "events"
    with tracer.start_as_current_span(f"publish {name}", kind=SpanKind.PRODUCER) as span:
        span.set_attribute("messaging.system", "redis_streams")
        span.set_attribute("messaging.destination.name", f"events:{producer}")
        span.set_attribute("messaging.batch.message_count", len(events))
        context = traceparent or inject_traceparent()
        envelopes = [
            envelope_for(
                event, producer=producer, correlation_id=correlation_id, traceparent=context
            )
            for event, _ in events
        ]
        if len(envelopes) == 1:
            span.set_attribute("messaging.message.id", str(envelopes[0].id))
    OutboxMessage.objects.using(alias).bulk_create(
        OutboxMessage(
            event_id=envelope.id,
            event_type=envelope.type,
            event_version=envelope.version,
            aggregate_id=aggregate_id,
            envelope=envelope.to_dict(),
        )
        for envelope, (_, aggregate_id) in zip(envelopes, events, strict=True)
    )
    delivery.installed().outbox_written(alias)
    return envelopes
