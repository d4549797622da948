"""Load protection: per-route concurrency limits (per process) and body size limits.

A route with ``max_concurrency`` set admits that many requests at once in each worker;
the next one is shed at once with 503 and ``Retry-After`` rather than queued, so a slow
dependency cannot tie up every worker.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from uuid import UUID

from common.per_process import PerProcess

#: Per route: (its limit, a semaphore of that many slots), rebuilt when the limit changes.
_slots: PerProcess[tuple[int, threading.BoundedSemaphore]] = PerProcess()


class Saturated(Exception):
    pass


@contextmanager
def concurrency_slot(route_id: UUID, limit: int):
    if limit <= 0:
        yield
        return
    _, slot = _slots.get(
        route_id,
        lambda: (limit, threading.BoundedSemaphore(limit)),
        still_valid=lambda known: known[0] == limit,  # else its limit was changed
    )
    if not slot.acquire(blocking=False):
        raise Saturated
    try:
        yield
    finally:
        slot.release()
