"""Who still calls the legacy system, and when a capability can be deleted from it.

Every request the legacy client makes is counted per UTC day, **caller** (``gateway``,
``port:<capability>``, ``sync:<resource>``: set with ``calling(...)`` around the
call, ``other`` otherwise) and **endpoint** (method and legacy path with numbers as
``{n}``), in memory, then flushed to ``LegacyCall`` at most every ``FLUSH_SECONDS``
(as the gateway's traffic counts: a refused flush drops its batch and is logged, it
never fails the call). ``usage_report`` answers "calls in the last 1/7/30 days" per
endpoint and caller; the "ready to delete" gate is ``gateway.legacy_elimination``
(it reads the route table, which the adapter may not import).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from legacy_adapter.capabilities import capability_of_endpoint

FLUSH_SECONDS = 5.0
WINDOWS = (1, 7, 30)

logger = logging.getLogger(__name__)

_caller: ContextVar[str] = ContextVar("legacy_caller", default="other")
_lock = threading.Lock()
_counts: Counter[tuple[date, str, str]] = Counter()
_state = {"flushed": time.monotonic(), "pid": os.getpid()}
_NUMBER = re.compile(r"/\d+(?=/|$)")


@contextmanager
def calling(caller: str) -> Iterator[None]:
    """Attribute the legacy calls made inside to ``caller``."""
    token = _caller.set(caller)
    try:
        yield
    finally:
        _caller.reset(token)


def endpoint_of(method: str, path: str) -> str:
    return f"{method.upper()} {_NUMBER.sub('/{n}', path.split('?', 1)[0])}"


def record(method: str, path: str) -> None:
    """Count one call (the legacy client calls this for every request it sends)."""
    key = (timezone.now().date(), _caller.get(), endpoint_of(method, path))
    with _lock:
        if _state["pid"] != os.getpid():  # forked: the parent's counts are not ours
            _counts.clear()
            _state["pid"] = os.getpid()
        _counts[key] += 1
        due = time.monotonic() - _state["flushed"] >= FLUSH_SECONDS
    if due:
        try:
            flush()
        except Exception:  # counting is best-effort: it never fails a call
            logger.warning("legacy usage counts not saved (report only)", exc_info=True)


def flush() -> None:
    """Write this process's counts (a process without the ``default`` database keeps
    none: only the gateway and ``SERVICE=all`` processes talk to legacy)."""
    with _lock:
        counts = dict(_counts)
        _counts.clear()
        _state["flushed"] = time.monotonic()
    if not counts or connections["default"].vendor == "dummy":
        return
    from legacy_adapter.models import LegacyCall

    with transaction.atomic(using="default"):
        for (day, caller, endpoint), n in counts.items():
            slot = LegacyCall.objects.filter(day=day, caller=caller, endpoint=endpoint)
            if slot.update(count=F("count") + n):
                continue
            try:
                with transaction.atomic(using="default"):
                    LegacyCall.objects.create(day=day, caller=caller, endpoint=endpoint, count=n)
            except IntegrityError:  # another process created the slot meanwhile
                slot.update(count=F("count") + n)


@dataclass
class UsageRow:
    endpoint: str
    caller: str
    capability: str | None
    calls: dict[int, int] = field(default_factory=dict)  # days -> calls


def usage_report(*, today: date | None = None) -> list[UsageRow]:
    """Calls per endpoint and caller in the last 1, 7 and 30 days (today included)."""
    from legacy_adapter.models import LegacyCall

    flush()
    today = today or timezone.now().date()
    rows: dict[tuple[str, str], UsageRow] = {}
    for days in WINDOWS:
        since = today - timedelta(days=days - 1)
        sums = (
            LegacyCall.objects.filter(day__gte=since, day__lte=today)
            .values("endpoint", "caller")
            .annotate(n=Sum("count"))
        )
        for item in sums:
            key = (item["endpoint"], item["caller"])
            row = rows.setdefault(
                key, UsageRow(item["endpoint"], item["caller"], capability_of_endpoint(key[0]))
            )
            row.calls[days] = item["n"]
    for row in rows.values():
        for days in WINDOWS:
            row.calls.setdefault(days, 0)
    return sorted(rows.values(), key=lambda r: (r.capability or "~", r.endpoint, r.caller))


class AttributedClient:
    """A legacy client whose calls are counted for ``caller`` (a port's legacy side)."""

    def __init__(self, client, caller: str) -> None:
        self._client, self._caller = client, caller

    def request(self, *args, **kwargs):
        with calling(self._caller):
            return self._client.request(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)
