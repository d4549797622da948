"""Publishing from an ORM write: the transactional outbox.

``outbox_publish`` writes the event's envelope into the domain's own database in the
caller's transaction, so the event exists if and only if the write committed. Nothing
is sent from inside the transaction: after commit the relay (``relay_events``, or the
in-process bus in the embedded run) delivers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

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
    envelope = envelope_for(
        event, producer=producer, correlation_id=correlation_id, traceparent=traceparent
    )
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
