"""The last migration step, measured: when a capability can be deleted from legacy,
deleting its legacy side from the platform in one audited change, and proving nothing
of it is left.

- ``readiness(name)``: the "ready to delete" gate — every route of the capability on
  new code (or retired) unchanged for ``LEGACY_RETIRE_AFTER_DAYS`` days, no legacy call
  to its endpoints in that time (``LegacyCall``, any caller), its port on the new side,
  and a clean last reconciliation of each of its resources.
- ``capability_retire(name, actor, reason)``: refuses unless the gate is open; then, in
  one ``default`` transaction (``gateway.services.audited``), retires its routes (410,
  each with its own route audit entry), records the ``RetiredCapability`` row (its port
  runs on the new side whatever ``LEGACY_PORTS`` says, its resources have no sync) and
  the capability's audit entry: all of it commits, or none.
- ``legacy_paths(name)``: what still leads to legacy for a capability — empty once it
  is retired; the test suite and ``legacy_usage`` check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import NAMESPACE_URL, uuid5

from django.conf import settings
from django.utils import timezone

from gateway.models import Route
from gateway.modes import RouteMode
from gateway.services import ChangeRefused, audited, route_change
from legacy_adapter.capabilities import CAPABILITIES, capability_of_endpoint
from legacy_adapter.models import LegacyCall, RetiredCapability, SyncState
from legacy_adapter.ports.choice import forget_retired, uses_new
from legacy_adapter.usage import flush


@dataclass
class Readiness:
    capability: str
    ready: bool
    reasons: list[str]
    retired: bool


def audit_subject(name: str):
    """The audit history of a capability's retirement (one per capability)."""
    return uuid5(NAMESPACE_URL, f"legacy-capability:{name}")


def _route_reasons(name: str, since) -> list[str]:
    routes = {route.key: route for route in Route.objects.all()}
    reasons = []
    for key in CAPABILITIES[name].routes:
        route = routes.get(key)
        if route is None:
            continue  # never routed: nothing left to wait for
        if route.mode not in (RouteMode.NEW, RouteMode.RETIRED):
            reasons.append(f"route {key} is in {route.mode} mode (new code must serve it)")
        elif route.updated_at > since:
            reasons.append(
                f"route {key} changed less than {settings.LEGACY_RETIRE_AFTER_DAYS} days ago"
            )
    return reasons


def readiness(name: str, *, days: int | None = None) -> Readiness:
    days = settings.LEGACY_RETIRE_AFTER_DAYS if days is None else days
    capability = CAPABILITIES[name]
    flush()
    since = timezone.now() - timedelta(days=days)
    reasons = _route_reasons(name, since)
    calls = [
        call
        for call in LegacyCall.objects.filter(day__gte=since.date())
        if capability_of_endpoint(call.endpoint) == name
    ]
    if calls:
        callers = sorted({call.caller for call in calls})
        reasons.append(
            f"{sum(c.count for c in calls)} legacy call(s) in the last {days} days "
            f"({', '.join(callers)})"
        )
    retired = RetiredCapability.objects.filter(name=name).exists()
    if capability.port and not uses_new(capability.port):
        reasons.append(f"the {capability.port} port still runs on legacy (LEGACY_PORTS)")
    for resource in capability.resources:
        state = SyncState.objects.filter(resource=resource).first()
        last = state.last_reconcile if state else {}
        if not last or last.get("differences"):
            reasons.append(
                f"{resource}: no clean reconciliation (legacy_sync reconcile {resource})"
            )
    if retired:
        reasons = []
    return Readiness(name, not reasons, reasons, retired)


def capability_retire(*, name: str, actor: str, reason: str) -> RetiredCapability:
    """Delete the capability's legacy side from the platform (see the module doc)."""
    if name not in CAPABILITIES:
        raise ChangeRefused(f"Unknown capability {name!r}; one of {', '.join(CAPABILITIES)}.")
    if not reason or not reason.strip():
        raise ChangeRefused("Say why: every change needs a reason.")
    if RetiredCapability.objects.filter(name=name).exists():
        raise ChangeRefused(f"{name} is already retired.")
    gate = readiness(name)
    if not gate.ready:
        raise ChangeRefused(f"{name} is not ready to delete: " + "; ".join(gate.reasons))
    routes = [r for r in Route.objects.all() if r.key in CAPABILITIES[name].routes]
    capability = CAPABILITIES[name]
    with audited(
        subject_id=audit_subject(name), actor=actor, reason=reason.strip(), action="retire",
        before={"port": capability.port, "resources": list(capability.resources)},
    ) as after:  # fmt: skip
        for route in routes:
            if route.mode != RouteMode.RETIRED:
                route_change(route_id=route.id, changes={"mode": RouteMode.RETIRED.value},
                             actor=actor, reason=f"legacy_retire {name}: {reason}",
                             action="retire")  # fmt: skip
        retired = RetiredCapability.objects.create(
            name=name, retired_at=timezone.now(), actor=actor, reason=reason.strip()
        )
        after.update(retired=True, routes=sorted(route.key for route in routes))
    forget_retired()  # this process sees it at once; the others within their TTL
    return retired


def legacy_paths(name: str) -> list[str]:
    """Every way the capability can still reach legacy from this process (empty once
    retired): a route that may proxy to legacy, a port on its legacy side, a sync sink."""
    from legacy_adapter.sync.sinks import NoSink, sink_for

    capability = CAPABILITIES[name]
    paths = []
    for route in Route.objects.all():
        if route.key in capability.routes and route.mode != RouteMode.RETIRED:
            paths.append(f"route {route.key} ({route.mode})")
    if capability.port and not uses_new(capability.port):
        paths.append(f"port {capability.port} on its legacy side")
    for resource in capability.resources:
        try:
            sink_for(resource)
        except NoSink:
            continue
        paths.append(f"sync of {resource}")
    return paths
