"""The relay: from each domain's outbox (and event store) to its Redis stream.

A source is read in order and published in batches. For an outbox the rows are
locked (``FOR UPDATE SKIP LOCKED``), appended to the stream in one ``MULTI``, and
marked published in the same database transaction: if Redis is down nothing is
marked and the batch is retried; if the process dies after ``EXEC`` and before the
commit, the batch is published again and the consumers' inboxes absorb the repeat.
Event-sourced applications are read through their notification log, with the
position kept in ``ProjectionPosition`` next to the events.

Order: rows are appended in id order, so the events of one aggregate (written under
its row lock, one transaction after another) reach the stream in the order they
committed.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.db import models, transaction
from django.utils import timezone

from common.observability.metrics import EVENTS_PUBLISHED
from contracts.events import envelope_for
from eventing.models import OutboxMessage, ProjectionPosition
from eventing.streams import event_stream, stream_fields, stream_maxlen

logger = logging.getLogger(__name__)


def _xadd_all(client: redis.Redis, envelopes: Iterable[dict], watch=None) -> None:
    """Append envelopes to their producers' streams atomically (MULTI/EXEC); ``watch``
    (a ``eventing.recovery.LossWatch``) learns the ids Redis gave them."""
    pipe = client.pipeline(transaction=True)
    producers: list[str] = []
    for envelope in envelopes:
        producers.append(envelope["producer"])
        pipe.xadd(
            event_stream(envelope["producer"]),
            stream_fields(envelope),
            maxlen=stream_maxlen(),
            approximate=True,
        )
    ids = pipe.execute()
    for producer in producers:
        EVENTS_PUBLISHED.labels(producer=producer).inc()
    if watch is not None:
        for producer, entry_id in zip(producers, ids, strict=True):
            watch.published(event_stream(producer), entry_id)


@dataclass(frozen=True)
class OutboxSource:
    """The outbox table of one database alias."""

    alias: str

    @property
    def name(self) -> str:
        return f"outbox:{self.alias}"

    @property
    def stream(self) -> str:
        """Where this outbox publishes: a domain's outbox carries its own events."""
        return event_stream(self.alias)

    def last_published_at(self):
        """When the newest row still in the outbox was published (None: none was)."""
        return (
            OutboxMessage.objects.using(self.alias)
            .filter(published_at__isnull=False)
            .aggregate(last=models.Max("published_at"))["last"]
        )

    def republish(self, since=None) -> int:
        """Mark the rows published at or after ``since`` (all: None) for publishing
        again, because Redis lost them; how many. Only rows still retained can be."""
        rows = OutboxMessage.objects.using(self.alias).filter(published_at__isnull=False)
        if since is not None:
            rows = rows.filter(published_at__gte=since)
        return rows.update(published_at=None)

    def publish_batch(self, client: redis.Redis, batch_size: int, watch=None) -> int:
        with transaction.atomic(using=self.alias):
            rows = list(
                OutboxMessage.objects.using(self.alias)
                .filter(published_at__isnull=True)
                .order_by("id")
                .select_for_update(skip_locked=True)
                .values_list("id", "envelope")[:batch_size]
            )
            if not rows:
                return 0
            _xadd_all(client, (envelope for _, envelope in rows), watch)
            OutboxMessage.objects.using(self.alias).filter(id__in=[pk for pk, _ in rows]).update(
                published_at=timezone.now()
            )
        return len(rows)

    def backlog(self) -> int:
        return OutboxMessage.objects.using(self.alias).filter(published_at__isnull=True).count()


def stored_event_id(originator_id: uuid.UUID, version: int, timestamp) -> uuid.UUID:
    """A UUIDv7 for a stored event, the same every time it is published.

    Time-ordered like every envelope id (the event's own timestamp in the top 48 bits),
    and derived from the aggregate and version instead of random bits, so a batch
    published twice (crash between XADD and saving the position) carries the same ids
    and the consumers' inboxes recognise the repeat.
    """
    millis = int(timestamp.timestamp() * 1000) & ((1 << 48) - 1)
    digest = int.from_bytes(hashlib.sha256(f"{originator_id}:{version}".encode()).digest()[:10])
    rand_a = digest >> 68 & 0xFFF
    rand_b = digest & ((1 << 62) - 1)
    value = millis << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


@dataclass(frozen=True)
class EventStoreSource:
    """An event-sourced application's notification log, published through ``to_published``."""

    application: object  # eventing.eventstore.DomainApplication
    alias: str
    producer: str

    @property
    def name(self) -> str:
        return f"relay:{self.application.name}"

    @property
    def stream(self) -> str:
        return event_stream(self.producer)

    def last_published_at(self):
        """Unknown for a notification log: a loss is seen from the stream alone."""
        return None

    def has_published(self) -> bool:
        position = ProjectionPosition.objects.using(self.alias).filter(name=self.name).first()
        return bool(position and position.position)

    def republish(self, since=None) -> int:
        """Publish the whole notification log again (its ids are derived from aggregate
        and version, so every repeat is recognised); how far back it goes."""
        with transaction.atomic(using=self.alias):
            position = (
                ProjectionPosition.objects.using(self.alias)
                .select_for_update()
                .filter(name=self.name)
                .first()
            )
            if position is None:
                return 0
            reached, position.position = position.position, 0
            position.save(using=self.alias, update_fields=["position", "updated_at"])
        return reached

    def publish_batch(self, client: redis.Redis, batch_size: int, watch=None) -> int:
        app = self.application
        with transaction.atomic(using=self.alias):
            position, _ = (
                ProjectionPosition.objects.using(self.alias)
                .select_for_update()
                .get_or_create(name=self.name)
            )
            notifications = app.recorder.select_notifications(
                start=position.position + 1, limit=batch_size
            )
            if not notifications:
                return 0
            envelopes = []
            for notification in notifications:
                domain_event = app.mapper.to_domain_event(notification)
                published = app.to_published(domain_event)
                if published is not None:
                    envelopes.append(
                        envelope_for(
                            published,
                            producer=self.producer,
                            event_id=stored_event_id(
                                domain_event.originator_id,
                                domain_event.originator_version,
                                domain_event.timestamp,
                            ),
                            occurred_at=domain_event.timestamp,
                        ).to_dict()
                    )
            if envelopes:
                _xadd_all(client, envelopes, watch)
            position.position = notifications[-1].id
            position.save(using=self.alias, update_fields=["position", "updated_at"])
        return len(notifications)


def relay_once(sources: Iterable, client: redis.Redis, batch_size: int, watch=None) -> int:
    """Publish one batch from every source; the number of entries handled."""
    return sum(source.publish_batch(client, batch_size, watch) for source in sources)
