"""Traffic counts per route, hour and target, for the migration dashboard.

Counting in the database on every request would cost a write per request, so each
process adds up in memory and flushes at most every ``FLUSH_SECONDS`` (inline, on the
request that finds the interval passed). Counts live per process until flushed: a
process that dies loses at most that many seconds of dashboard counts (Prometheus has
the exact figures). For the same reason a flush the database refuses (an outage, a
lock held too long) drops that batch and is logged: it never fails the request that
happened to carry it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from datetime import datetime
from uuid import UUID

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gateway.models import Route, RouteTraffic

FLUSH_SECONDS = 5.0

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_counts: Counter[tuple[UUID, datetime, str]] = Counter()
_last_seen: dict[tuple[UUID, str], datetime] = {}
_state = {"flushed": time.monotonic(), "pid": os.getpid()}


def count(route_id: UUID, target: str) -> None:
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    with _lock:
        if _state["pid"] != os.getpid():  # forked: the parent's counts are not ours
            _counts.clear()
            _last_seen.clear()
            _state["pid"] = os.getpid()
        _counts[(route_id, hour, target)] += 1
        if target in ("legacy", "new"):
            _last_seen[(route_id, target)] = now
        due = time.monotonic() - _state["flushed"] >= FLUSH_SECONDS
    if due:
        try:
            flush()
        except DatabaseError:
            logger.warning("gateway traffic counts not saved (dashboard only)", exc_info=True)


def flush() -> None:
    with _lock:
        counts, seen = dict(_counts), dict(_last_seen)
        _counts.clear()
        _last_seen.clear()
        _state["flushed"] = time.monotonic()
    if not counts and not seen:
        return
    with transaction.atomic(using="default"):
        existing = set(
            Route.objects.filter(pk__in={k[0] for k in counts}).values_list("pk", flat=True)
        )
        for (route_id, hour, target), n in counts.items():
            if route_id not in existing:
                continue  # the route was deleted meanwhile
            _add(route_id, hour, target, n)
        for (route_id, target), at in seen.items():
            Route.objects.filter(pk=route_id).update(**{f"last_{target}_at": at})


def _add(route_id: UUID, hour: datetime, target: str, n: int) -> None:
    """Add ``n`` to one slot's row, creating it if need be. Another process may create
    the same row between our update and our insert (both flushing a new hour): the
    insert then fails in its savepoint and the count goes to the row that won."""
    slot = RouteTraffic.objects.filter(route_id=route_id, hour=hour, target=target)
    if slot.update(count=F("count") + n):
        return
    try:
        with transaction.atomic(using="default"):
            RouteTraffic.objects.create(route_id=route_id, hour=hour, target=target, count=n)
    except IntegrityError:
        slot.update(count=F("count") + n)
