"""Noticing that Redis lost entries the relay published, and publishing them again.

A stream only grows: its ``entries-added`` counter and its last id never go back. So
if the relay finds a stream gone, or either figure below what it saw before (or
below the ids Redis gave its own ``XADD``), Redis lost data — a restart without
persistence, a restore from an older snapshot, a flush. The relay then re-publishes
what the sources of that stream still hold: outbox rows published since the newest
entry that survived (all of them when the stream is gone), within the outbox's
retention, and an event store's notification log from its start (its event ids are
derived from aggregate and version). The consumers' inboxes drop what they already
applied, and consumers re-create their lost groups (``eventing.consumer``).

A relay that starts with no memory (it restarted too) primes its expectations from
the outboxes: the newest ``published_at`` means the stream's last id cannot be older
than that instant (less ``EVENTBUS_RELAY_CLOCK_MARGIN_SECONDS`` for clock skew between
the relay and Redis), and a notification log already relayed means its stream once
had entries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings

from eventing.metrics import STREAM_LOSSES
from eventing.streams import stream_id, text

logger = logging.getLogger(__name__)


@dataclass
class Mark:
    """The least a stream must show if nothing was lost."""

    entries_added: int = 0
    last_id: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Loss:
    stream: str
    reason: str
    #: The newest entry that survived (None: the stream is gone or empty).
    survived_up_to: tuple[int, int] | None


class LossWatch:
    def __init__(self, client: redis.Redis, sources: list) -> None:
        self.client = client
        self.sources = sources
        self.marks: dict[str, Mark] = {}

    def prime(self) -> None:
        """Expectations from the databases, for a relay that remembers nothing."""
        margin = settings.EVENTBUS_RELAY_CLOCK_MARGIN_SECONDS
        for source in self.sources:
            mark = self.marks.setdefault(source.stream, Mark())
            published_at = source.last_published_at()
            if published_at is not None:
                millis = int(published_at.timestamp() * 1000 - margin * 1000)
                mark.last_id = max(mark.last_id, (millis, 0))
                mark.entries_added = max(mark.entries_added, 1)
            elif getattr(source, "has_published", lambda: False)():
                mark.entries_added = max(mark.entries_added, 1)

    def published(self, stream: str, entry_id) -> None:
        mark = self.marks.setdefault(stream, Mark())
        mark.entries_added += 1
        mark.last_id = max(mark.last_id, stream_id(entry_id))

    def check(self) -> list[Loss]:
        """Streams that hold less than was put on them; the marks move to what is there."""
        losses = []
        for stream, mark in self.marks.items():
            try:
                info = self.client.xinfo_stream(stream)
            except redis.ResponseError:  # no such key
                info = None
            if info is None:
                if mark.entries_added or mark.last_id > (0, 0):
                    losses.append(Loss(stream, "the stream is gone", None))
                self.marks[stream] = Mark()
                continue
            added = int(info.get("entries-added", info["length"]))
            last = stream_id(info["last-generated-id"])
            if added < mark.entries_added or last < mark.last_id:
                first = info.get("first-entry")
                survived = stream_id(info["last-entry"][0]) if info.get("last-entry") else None
                reason = (
                    f"entries-added {added} < {mark.entries_added} or last id "
                    f"{last} < {mark.last_id} (first entry {text(first[0]) if first else '-'})"
                )
                losses.append(Loss(stream, reason, survived))
            self.marks[stream] = Mark(added, last)
        return losses

    def recover(self, loss: Loss) -> int:
        """Re-publish what the sources of ``loss.stream`` still hold; rows queued again."""
        since = None
        if loss.survived_up_to is not None:
            margin = timedelta(seconds=settings.EVENTBUS_RELAY_CLOCK_MARGIN_SECONDS)
            since = datetime.fromtimestamp(loss.survived_up_to[0] / 1000, tz=UTC) - margin
        queued = sum(s.republish(since) for s in self.sources if s.stream == loss.stream)
        STREAM_LOSSES.labels(stream=loss.stream, seen_by="relay").inc()
        logger.error(
            "Redis lost entries of %s (%s): %d retained entries queued to be published "
            "again (%s); consumers' inboxes drop the ones they already applied.",
            loss.stream, loss.reason, queued,
            "everything retained" if since is None else f"published since {since.isoformat()}",
        )  # fmt: skip
        return queued
