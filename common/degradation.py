"""Degradation flags any process can read on every request: ``degraded("search_ranking")``.

Under stress ops switch off non-critical work (``gateway.services.DEGRADATION_FLAGS``);
the flags' source of truth is the gateway's ``GatewayState`` row in the ``default``
database, which a domain process in split mode does not even have. So the gateway
**publishes** the flags to a store every process reaches, and the domains read that:

- **Redis** (``REDIS_URL`` set): one hash, ``degradation:flags`` (flag name → ``1``/
  ``0``), written whole with one ``HSET`` so a reader never sees half a change. The
  gateway publishes on the commit of every change and again every time a gateway
  process re-checks its route table (``GATEWAY_FLAGS_TTL_SECONDS``), so a Redis that
  restarted empty, or a publish that was lost, heals within seconds.
- **In process** (no ``REDIS_URL``: the embedded single-process run): a dict the
  gateway writes to the same way; when this process's copy is older than the TTL it is
  refreshed from the ``source`` the gateway registered (one indexed row read), so a
  restarted embedded server honours flags set before it started.

Readers keep a copy for ``DEGRADATION_TTL_SECONDS`` (default 2 s): one Redis round trip
per process per TTL, whatever the traffic. The copy is keyed by process id, so a
pre-forked worker never trusts its parent's copy (and redis-py's pool reconnects after
a fork by itself). A change is therefore seen everywhere within the gateway's publish
plus this TTL.

**Failing safe**: a degraded platform is a choice ops make; an unreachable store is not
a reason to degrade. If Redis cannot be read (short timeouts:
``DEGRADATION_REDIS_TIMEOUT``), every flag reads *off* — normal behaviour — the failure
is counted in ``degradation_store_errors_total``, and the empty answer is kept for the
TTL so a dead Redis costs one timed-out call per process per TTL, never a 500.

**The response convention**: a response served by a fallback carries the header
``X-Degraded: <flag>`` (``mark_degraded``), like the gateway's ``X-Served-By``, and is
counted in ``degraded_responses_total{flag}``. A header rather than a body field: it is
the same for lists, pages and single documents, and leaves each endpoint's schema alone.

Why by hand: the store is one Redis hash read with redis-py (already the bus's client);
what is written here is only the per-process TTL copy and the fail-safe, which no
library provides in a form that also covers the in-process mode.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from functools import cache

import redis
from django.conf import settings
from django.db import DatabaseError
from prometheus_client import Counter

#: The Redis hash holding the published flags (it shares Redis with the bus).
FLAGS_KEY = "degradation:flags"
HEADER = "X-Degraded"

DEGRADED_RESPONSES = Counter(
    "degraded_responses_total", "Responses served by a degradation fallback.", ["flag"]
)
STORE_ERRORS = Counter(
    "degradation_store_errors_total",
    "Reads or publishes of the degradation flags that failed (flags then read off).",
    ["operation"],
)

#: Embedded mode: the flags as the gateway last published them in this process.
_local: dict[str, bool] = {}
#: Embedded mode: where the gateway reads the flags' source of truth (see register_source).
_source: Callable[[], Mapping[str, bool]] | None = None
#: This process's copy: (pid, monotonic time it was read, flags).
_copy: tuple[int, float, dict[str, bool]] | None = None
#: When this process last failed to publish (monotonic; -inf: never).
_publish_failed_at = float("-inf")


@cache
def _client(url: str) -> redis.Redis:
    timeout = settings.DEGRADATION_REDIS_TIMEOUT
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def publish(flags: Mapping[str, bool], *, refresh: bool = False) -> None:
    """Make ``flags`` (every flag's full current value) what every process reads.

    Called by the gateway after a change, and with ``refresh`` at each table check. A
    failure is counted and swallowed; refreshes then rest for a TTL, so a dead store
    costs a gateway one timeout per TTL, not one per request. A change always tries.
    """
    global _copy, _publish_failed_at
    values = {name: bool(value) for name, value in flags.items()}
    _copy = None  # this process sees its own publish at once
    if not settings.REDIS_URL:
        _local.clear()
        _local.update(values)
        return
    now = time.monotonic()
    if not values or (refresh and now - _publish_failed_at < settings.DEGRADATION_TTL_SECONDS):
        return
    try:
        _client(settings.REDIS_URL).hset(
            FLAGS_KEY, mapping={name: int(on) for name, on in values.items()}
        )
    except redis.RedisError:
        _publish_failed_at = now
        STORE_ERRORS.labels("publish").inc()


def register_source(source: Callable[[], Mapping[str, bool]]) -> None:
    """Embedded mode: how to read the flags' source of truth when the copy is stale."""
    global _source
    _source = source


def _read() -> dict[str, bool]:
    if not settings.REDIS_URL:
        if _source is not None:
            try:
                values = {name: bool(on) for name, on in _source().items()}
            except DatabaseError:
                STORE_ERRORS.labels("read").inc()
                return {}
            _local.clear()
            _local.update(values)
        return dict(_local)
    try:
        stored = _client(settings.REDIS_URL).hgetall(FLAGS_KEY)
    except redis.RedisError:
        STORE_ERRORS.labels("read").inc()
        return {}
    return {name.decode(): value == b"1" for name, value in stored.items()}


def flags() -> dict[str, bool]:
    """Every published flag, as this process sees it now (at most the TTL old)."""
    global _copy
    now, pid = time.monotonic(), os.getpid()
    copy = _copy
    if copy is None or copy[0] != pid or now - copy[1] >= settings.DEGRADATION_TTL_SECONDS:
        copy = (pid, now, _read())
        _copy = copy
    return copy[2]


def degraded(flag: str) -> bool:
    """Whether ops switched ``flag`` on: its work should take the fallback."""
    return flags().get(flag, False)


def mark_degraded(response, flag: str):
    """Say on ``response`` that ``flag``'s fallback served it, and count it."""
    response[HEADER] = flag
    DEGRADED_RESPONSES.labels(flag).inc()
    return response


def forget() -> None:
    """Drop this process's copy: the next read goes to the store (tests, after a publish)."""
    global _copy
    _copy = None
