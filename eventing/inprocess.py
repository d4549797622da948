"""The embedded run's bus: deliver outbox rows to local handlers right after commit.

With no ``REDIS_URL`` (``make run``), there is no relay and no consumer process; the
outbox write schedules this on commit instead. Handlers run through the same inbox
as on Redis, so a redelivery has no second effect. A failing handler is logged and
its event stays in the outbox for ``relay_events`` once Redis is configured; the
demo keeps working rather than failing the write that triggered it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from contracts.envelope import Envelope
from eventing.handlers import REGISTRY
from eventing.inbox import apply_envelope
from eventing.models import OutboxMessage

logger = logging.getLogger(__name__)


def deliver_outbox(alias: str) -> int:
    """Deliver every unpublished outbox row of ``alias`` to the local groups."""
    delivered = 0
    rows = list(
        OutboxMessage.objects.using(alias).filter(published_at__isnull=True).order_by("id")[:1000]
    )
    for row in rows:
        envelope = Envelope.from_dict(row.envelope)
        failed = False
        for group in REGISTRY.groups_for(envelope.type):
            try:
                apply_envelope(group, envelope)
            except Exception:
                failed = True
                logger.exception("in-process delivery of %s to %s failed", envelope.id, group)
        if not failed:
            with transaction.atomic(using=alias):
                OutboxMessage.objects.using(alias).filter(pk=row.pk).update(
                    published_at=timezone.now()
                )
            delivered += 1
    return delivered
