"""Applying one envelope for one consumer group, exactly once.

The inbox row and the handler's effect are written in one transaction on the
group's database: a message delivered twice finds its inbox row and has no second
effect; a handler that fails leaves neither behind. Used by the Redis consumer, the
in-process bus and dead-letter replay alike, so all three share one semantics.
"""

from __future__ import annotations

import enum

from django.db import IntegrityError, transaction

from contracts.envelope import Envelope
from eventing.handlers import REGISTRY
from eventing.models import InboxMessage


class Outcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


class _AlreadyApplied(Exception):
    pass


def apply_envelope(group: str, envelope: Envelope) -> Outcome:
    """Apply ``envelope`` for ``group``; raises whatever the handler raises."""
    sub = REGISTRY.resolve(group, envelope.type, envelope.version)
    if sub is None:
        return Outcome.IGNORED
    event = sub.event_class.from_payload(envelope.payload)
    try:
        with transaction.atomic(using=sub.alias):
            try:
                InboxMessage.objects.using(sub.alias).create(
                    group=group, event_id=envelope.id, event_type=envelope.type
                )
            except IntegrityError as exc:
                raise _AlreadyApplied from exc
            sub.handler(event, envelope)
    except _AlreadyApplied:
        return Outcome.DUPLICATE
    return Outcome.APPLIED
