"""Identity's outbox filled as identity's own writes fill it, for the bus tests that need
events to relay: member registrations, committed in transactions of ``per_transaction``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.db import transaction

from contracts.identity.v1 import MemberRegistered
from eventing.models import OutboxMessage
from eventing.outbox import outbox_publish


def announce_registrations(count: int, *, per_transaction: int = 1000) -> None:
    joined = datetime.now(UTC)
    for start in range(0, count, per_transaction):
        with transaction.atomic(using="identity"):
            for n in range(start, min(start + per_transaction, count)):
                outbox_publish(
                    alias="identity",
                    producer="identity",
                    event=MemberRegistered(
                        member_id=uuid.uuid4(), display_name=f"m{n}", joined_at=joined
                    ),
                )


def unpublished() -> int:
    """Identity's outbox rows the relay has still to publish."""
    return OutboxMessage.objects.using("identity").filter(published_at__isnull=True).count()
