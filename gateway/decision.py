"""Where one request goes: a pure function of (route, flag state, request facts).

No I/O, no Django, no clock: everything the decision needs arrives as values, so it is
tested on its own and the middleware only carries it out. Canary assignment hashes the
route and the user id into one of 10,000 buckets; a user is on new code when their
bucket is below the percentage times 100, so raising the percentage only ever adds
users and never moves one back to legacy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from gateway.modes import RouteMode

BUCKETS = 10_000


class Target(StrEnum):
    LEGACY = "legacy"
    NEW = "new"
    GONE = "gone"


@dataclass(frozen=True)
class RouteFlags:
    """A route's flag state as the route table holds it."""

    key: str
    mode: RouteMode
    canary_percent: float = 0.0
    cohort_user_ids: frozenset[str] = frozenset()
    cohort_roles: frozenset[str] = frozenset()
    #: ``Header-Name: value`` that opts a request into the canary (testers, QA).
    cohort_header: str = ""
    killed: bool = False


@dataclass(frozen=True)
class GlobalFlags:
    kill_all: bool = False
    #: Routes whose new side is failing (its breaker is open): served by legacy.
    new_unhealthy: frozenset[str] = frozenset()
    #: Degradation flag: under stress, shadow comparison is switched off.
    shadow_off: bool = False


@dataclass(frozen=True)
class RequestFacts:
    method: str
    user_id: str | None = None
    roles: frozenset[str] = frozenset()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    target: Target
    #: Call the new side too, after answering, and compare (reads in shadow mode).
    shadow: bool = False
    #: Why: ``mode``, ``unknown-route``, ``kill-switch``, ``canary``, ``new-unhealthy``...
    reason: str = "mode"
    #: New code was wanted but legacy serves: the request counts as a fallback.
    fallback: bool = False


READS = frozenset({"GET", "HEAD", "OPTIONS"})


def canary_bucket(route_key: str, user_id: str) -> int:
    digest = hashlib.blake2b(f"{route_key}|{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def in_canary(route: RouteFlags, facts: RequestFacts) -> bool:
    if route.cohort_header:
        name, _, value = route.cohort_header.partition(":")
        if facts.headers.get(name.strip().lower()) == value.strip():
            return True
    if facts.user_id is None:
        return False  # anonymous requests have nothing to stick to
    if facts.user_id in route.cohort_user_ids or facts.roles & route.cohort_roles:
        return True
    return canary_bucket(route.key, facts.user_id) < round(route.canary_percent * 100)


def decide(route: RouteFlags | None, flags: GlobalFlags, facts: RequestFacts) -> Decision:
    if route is None:
        return Decision(Target.LEGACY, reason="unknown-route")
    if route.mode is RouteMode.RETIRED:
        return Decision(Target.GONE)
    if flags.kill_all or route.killed:
        return Decision(Target.LEGACY, reason="kill-switch")
    if route.mode is RouteMode.LEGACY:
        return Decision(Target.LEGACY)
    if route.mode is RouteMode.SHADOW:
        shadow = facts.method in READS and not flags.shadow_off
        return Decision(Target.LEGACY, shadow=shadow, reason="mode" if shadow else "shadow-off")
    wants_new = route.mode is RouteMode.NEW or in_canary(route, facts)
    if not wants_new:
        return Decision(Target.LEGACY, reason="canary")
    if route.key in flags.new_unhealthy:
        return Decision(Target.LEGACY, reason="new-unhealthy", fallback=True)
    return Decision(Target.NEW, reason="canary" if route.mode is RouteMode.CANARY else "mode")
