"""Applying envelopes for one consumer group, exactly once.

The inbox row and the handler's effect are written in one transaction on the
group's database: a message delivered twice finds its inbox row and has no second
effect; a handler that fails leaves neither behind. Used by the Redis consumer, the
in-process bus and dead-letter replay alike, so all three share one semantics.

``apply_batch`` is the fast path for a healthy stream: one transaction for the whole
batch, inbox rows in one insert, batch handlers called once per run of their type.
If anything in it fails, nothing of it commits and the caller falls back to
``apply_envelope`` entry by entry, which isolates the failing one.
"""

from __future__ import annotations

import enum
from itertools import groupby

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
            sub.apply_one(event, envelope)
    except _AlreadyApplied:
        return Outcome.DUPLICATE
    return Outcome.APPLIED


def apply_batch(group: str, alias: str, envelopes: list[Envelope]) -> list[Outcome]:
    """Apply a batch in one transaction, in order; raises if any part fails."""
    outcomes: list[Outcome] = []
    work: list[tuple] = []  # (subscription, event, envelope), in stream order
    with transaction.atomic(using=alias):
        applied = set(
            InboxMessage.objects.using(alias)
            .filter(group=group, event_id__in=[e.id for e in envelopes])
            .values_list("event_id", flat=True)
        )
        for envelope in envelopes:
            sub = REGISTRY.resolve(group, envelope.type, envelope.version)
            if sub is None:
                outcomes.append(Outcome.IGNORED)
            elif envelope.id in applied:
                outcomes.append(Outcome.DUPLICATE)
            else:
                applied.add(envelope.id)
                work.append((sub, sub.event_class.from_payload(envelope.payload), envelope))
                outcomes.append(Outcome.APPLIED)
        InboxMessage.objects.using(alias).bulk_create(
            InboxMessage(group=group, event_id=env.id, event_type=env.type) for _, _, env in work
        )
        # Consecutive events of one batch handler go to it in one call; others one by one.
        for _, run in groupby(work, key=lambda item: item[0] if item[0].batch else id(item)):
            run = list(run)
            sub, items = run[0][0], [(event, envelope) for _, event, envelope in run]
            if sub.batch:
                sub.handler(items)
            else:
                sub.handler(*items[0])
    return outcomes
