"""Putting the bus back in step with a database or a Redis that was restored or lost, by hand.

A domain database restored from a backup goes back in time, but Redis does not:

- its **consumer groups** had acknowledged entries whose effects the restore removed,
  so they must read again from the backup's time (``groups_rewind``); the restored
  inbox recognises what the backup already had, so nothing is applied twice;
- its **outbox** and its event stores' relay positions went back with it, so the relay
  publishes again what it had published after the backup; the subscribers' inboxes
  absorb the repeats (same event ids). Nothing to do here.

A Redis that lost its data (restarted without persistence, flushed, replaced) lost the
streams and the groups' positions. The relay notices that by itself and sends again
what the outboxes retain (``eventing.recovery``); ``outbox_republish`` is the operator's
way to do it for a chosen time, e.g. when the relay restarted as well. It marks what
the relay published since a time as unpublished again, and moves the event stores'
relay positions back to the first event at or after that time, so the relay sends it
all again; consumers
re-create their groups and the inboxes absorb what had already been applied. What the
outbox had already pruned (``EVENTBUS_OUTBOX_RETENTION_DAYS``) cannot be sent again.

Stream entry ids are millisecond timestamps (``<ms>-<seq>``), which is what makes
"from this time on" exact on the Redis side. docs/runbooks/disaster-recovery.md says
when to run which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import redis
from django.db import transaction

from eventing.handlers import REGISTRY
from eventing.models import OutboxMessage, ProjectionPosition
from eventing.relay import EventStoreSource
from eventing.sources import relay_sources


@dataclass(frozen=True)
class Rewound:
    group: str
    stream: str
    from_id: str
    to_id: str


def stream_id_at(moment: datetime) -> str:
    """The smallest stream entry id at or after ``moment`` (entry ids start with epoch ms)."""
    return f"{int(moment.timestamp() * 1000)}-0"


def _before(entry_id: str) -> str:
    """The id just before ``entry_id``: ``XGROUP SETID`` delivers entries *after* its id."""
    ms, seq = (int(part) for part in entry_id.split("-"))
    return f"{ms}-{seq - 1}" if seq else f"{ms - 1}-{2**64 - 1}" if ms else "0"


def groups_rewind(client: redis.Redis, *, alias: str, since: datetime) -> list[Rewound]:
    """Make every consumer group that writes into ``alias`` read its streams again from
    ``since`` on. Only moves a group backwards: a group already behind stays where it is."""
    start = stream_id_at(since)
    rewound = []
    for group in REGISTRY.groups():
        if REGISTRY.alias_for(group) != alias:
            continue
        for stream in REGISTRY.streams_for(group):
            try:
                groups = {_text(g["name"]): g for g in client.xinfo_groups(stream)}
            except redis.ResponseError:  # no such stream: nothing was ever published
                continue
            if group not in groups:
                continue
            current = _text(groups[group]["last-delivered-id"])
            target = _before(start)
            if _id_key(target) >= _id_key(current):
                continue
            client.xgroup_setid(stream, group, id=target)
            rewound.append(Rewound(group, stream, current, target))
    return rewound


@dataclass(frozen=True)
class Republished:
    source: str
    events: int


def outbox_republish(*, alias: str, since: datetime) -> list[Republished]:
    """Mark what the relay published from ``alias`` since ``since`` as unpublished, and
    move the relay positions of ``alias``'s event stores back to their first event at or
    after ``since``. Returns how many events each source will send again."""
    done = []
    with transaction.atomic(using=alias):
        outbox = OutboxMessage.objects.using(alias).filter(published_at__gte=since)
        done.append(Republished(f"outbox:{alias}", outbox.update(published_at=None)))
        for source in relay_sources():
            if not isinstance(source, EventStoreSource) or source.alias != alias:
                continue
            first = _first_notification_since(source.application, since)
            position = (
                ProjectionPosition.objects.using(alias).select_for_update().filter(name=source.name)
            )
            row = position.first()
            if row is None or first is None or row.position < first:
                done.append(Republished(source.name, 0))
                continue
            position.update(position=first - 1)
            done.append(Republished(source.name, row.position - (first - 1)))
    return done


def _first_notification_since(application, since: datetime) -> int | None:
    """The id of the first notification recorded at or after ``since`` (None: none is).

    Notifications are read in pages from the end, decoded with the application's own
    mapper; their events carry the time they were recorded."""
    recorder = application.recorder
    last = recorder.max_notification_id() or 0
    first = None
    page = 500
    stop = last
    while stop > 0:
        start = max(1, stop - page + 1)
        notifications = recorder.select_notifications(start, page, stop=stop)
        if not notifications:
            break
        older_found = False
        for notification in reversed(notifications):
            event = application.mapper.to_domain_event(notification)
            if event.timestamp >= since:
                first = notification.id
            else:
                older_found = True
                break
        if older_found:
            break
        stop = start - 1
    return first


def _id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
