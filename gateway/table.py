"""The route table as each process holds it: compiled patterns and flags, cached.

A process checks ``GatewayState.version`` (one indexed row) at most every
``GATEWAY_FLAGS_TTL_SECONDS`` and reloads the table when it changed, so a change made
anywhere reaches every process within that time, without a restart. The cache is keyed
by process id: a worker forked from a parent that had loaded the table reloads on its
first request instead of trusting a copy it did not check.

Every check also publishes the degradation flags to the store the domains read
(``common.degradation``): the row stays the source of truth, and a store that lost
them (a Redis restart) has them back within one TTL. In the embedded run, the flags'
in-process store reads the row through ``published_state`` when its copy is stale.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from common import degradation
from gateway.decision import RouteFlags
from gateway.models import GatewayState, Route
from gateway.modes import RouteMode
from gateway.services import published_flags

_PARAM = re.compile(r"\{(\w+)\}")


def compile_pattern(pattern: str) -> re.Pattern:
    parts = _PARAM.split(pattern)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(regex)


@dataclass(frozen=True)
class CompiledRoute:
    id: UUID
    key: str
    method: str
    regex: re.Pattern
    flags: RouteFlags
    legacy_target: str
    new_target: str
    translator: str
    ignore_fields: frozenset[str]
    ignore_order: bool
    max_concurrency: int


@dataclass(frozen=True)
class Table:
    version: int
    routes: tuple[CompiledRoute, ...] = ()
    kill_all: bool = False
    degraded: dict[str, bool] = field(default_factory=dict)

    def match(self, method: str, path: str) -> tuple[CompiledRoute | None, dict[str, str]]:
        for route in self.routes:
            if route.method == method:
                found = route.regex.fullmatch(path)
                if found:
                    return route, found.groupdict()
        return None, {}


def _compiled(route: Route) -> CompiledRoute:
    return CompiledRoute(
        id=route.id,
        key=route.key,
        method=route.method,
        regex=compile_pattern(route.path_pattern),
        flags=RouteFlags(
            key=route.key,
            mode=RouteMode(route.mode),
            canary_percent=float(route.canary_percent),
            cohort_user_ids=frozenset(map(str, route.cohort_user_ids)),
            cohort_roles=frozenset(route.cohort_roles),
            cohort_header=route.cohort_header,
            killed=route.killed,
        ),
        legacy_target=route.legacy_target,
        new_target=route.new_target,
        translator=route.translator,
        ignore_fields=frozenset(route.ignore_fields),
        ignore_order=route.ignore_order,
        max_concurrency=route.max_concurrency,
    )


def load_table() -> Table:
    state = GatewayState.objects.filter(pk=1).first() or GatewayState()
    # Literal segments before parameters: /api/users/me wins over /api/users/{id}.
    routes = sorted(Route.objects.all(), key=lambda r: (r.path_pattern.count("{"), r.path_pattern))
    return Table(
        version=state.version,
        routes=tuple(_compiled(r) for r in routes),
        kill_all=state.kill_all,
        degraded=dict(state.degraded),
    )


def current_version() -> int:
    return GatewayState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def published_state() -> dict[str, bool]:
    """The degradation flags as the row holds them (the embedded store's source)."""
    degraded = GatewayState.objects.filter(pk=1).values_list("degraded", flat=True).first()
    return published_flags(degraded or {})


degradation.register_source(published_state)


class TableCache:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._lock = threading.Lock()
        self._table: Table | None = None
        self._checked = 0.0
        self._pid = 0

    def _fresh(self, now: float) -> Table | None:
        table = self._table
        if table is not None and self._pid == os.getpid() and now - self._checked < self.ttl:
            return table
        return None

    def get(self) -> Table:
        now = self.clock()
        if (table := self._fresh(now)) is not None:
            return table
        with self._lock:
            # Threads that queued here while another checked find its fresh table: one
            # version query and one publish per TTL, not one per waiting request.
            if (table := self._fresh(now)) is not None:
                return table
            stale = self._table is None or self._pid != os.getpid()
            if stale or current_version() != self._table.version:
                self._table = load_table()
            self._checked, self._pid = now, os.getpid()
            table = self._table
        # Outside the lock: a slow store delays this request only, not the others.
        degradation.publish(published_flags(table.degraded), refresh=True)
        return table

    def invalidate(self) -> None:
        with self._lock:
            self._table = None
