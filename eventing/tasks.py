"""Periodic upkeep of the bus tables (Celery beat; eager in the embedded run).

Published outbox rows are kept a while for audit and replay, then pruned; inbox rows
are kept longer than any redelivery can arrive (stream retention, dead-letter
replays), because an inbox row pruned too early would let a late duplicate through.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from common.databases import served_aliases
from eventing.models import InboxMessage, OutboxMessage


@shared_task(name="eventing.prune_outbox")
def prune_outbox(older_than_days: int | None = None) -> int:
    """Delete published outbox rows older than the retention; returns how many."""
    days = (
        older_than_days if older_than_days is not None else settings.EVENTBUS_OUTBOX_RETENTION_DAYS
    )
    cutoff = timezone.now() - timedelta(days=days)
    return sum(
        OutboxMessage.objects.using(alias)
        .filter(published_at__isnull=False, published_at__lt=cutoff)
        .delete()[0]
        for alias in served_aliases()
    )


@shared_task(name="eventing.prune_inbox")
def prune_inbox(older_than_days: int | None = None) -> int:
    """Delete inbox rows older than the retention; returns how many."""
    days = (
        older_than_days if older_than_days is not None else settings.EVENTBUS_INBOX_RETENTION_DAYS
    )
    cutoff = timezone.now() - timedelta(days=days)
    return sum(
        InboxMessage.objects.using(alias).filter(processed_at__lt=cutoff).delete()[0]
        for alias in served_aliases()
    )
