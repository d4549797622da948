"""Load protection: per-route concurrency limits (per process) and body size limits.

A route with ``max_concurrency`` set admits that many requests at once in each worker;
the next one is shed at once with 503 and ``Retry-After`` rather than queued, so a slow
dependency cannot tie up every worker.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from uuid import UUID

_lock = threading.Lock()
_slots: dict[tuple[int, UUID], tuple[int, threading.BoundedSemaphore]] = {}


class Saturated(Exception):
    pass


@contextmanager
def concurrency_slot(route_id: UUID, limit: int):
    if limit <= 0:
        yield
        return
    key = (os.getpid(), route_id)
    with _lock:
        known = _slots.get(key)
        if known is None or known[0] != limit:  # new route, or its limit was changed
            known = _slots[key] = (limit, threading.BoundedSemaphore(limit))
        slot = known[1]
    if not slot.acquire(blocking=False):
        raise Saturated
    try:
        yield
    finally:
        slot.release()
