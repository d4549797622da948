"""The bus workers' one retry loop: rounds that outlive every fault.

The relay, each consumer and the projections runner work in rounds. A round that fails
(Redis or PostgreSQL unreachable, a connection timing out on a loaded machine, a
connection dropped mid-round) costs that round, never the process: the worker reports
it, waits (doubling from ``base`` up to ``cap``, reset by the next good round) and tries
again until ``stop`` is set. A process that exited instead would be restarted by its
supervisor into the same outage, losing its place and its backoff.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import redis
from django.conf import settings

from common.outages import is_database_outage


def run_rounds(
    one_round: Callable[[], bool],
    stop: threading.Event,
    failed: Callable[[Exception, float], None],
    *,
    base: float = 0.1,
    cap: float | None = None,
) -> None:
    """Call ``one_round`` until ``stop`` is set or it returns False; after a failure,
    ``failed(exc, delay)`` then a wait of ``delay`` seconds."""
    cap = settings.EVENTBUS_WORKER_BACKOFF_MAX_SECONDS if cap is None else cap
    delay = 0.0
    while not stop.is_set():
        try:
            if not one_round():
                return
        except Exception as exc:  # noqa: BLE001 - a worker outlives every fault
            delay = min(max(delay * 2, base), cap)
            failed(exc, delay)
            stop.wait(delay)
        else:
            delay = 0.0


def fault_kind(exc: BaseException) -> str:
    """``redis``, ``database`` (an outage worth waiting out) or ``other``."""
    if isinstance(exc, redis.RedisError):
        return "redis"
    return "database" if is_database_outage(exc) else "other"
