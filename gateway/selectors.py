"""Reads of the route table for ops: lookup, the dashboard's figures, the usage report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.utils import timezone

from common.refusals import NotFound
from gateway.models import GatewayState, Route, RouteTraffic, ShadowMismatch
from gateway.modes import RouteMode


class RouteNotFound(NotFound):
    pass


def route_get(*, ref: str) -> Route:
    """A route by id or by ``"METHOD /path/pattern"``."""
    try:
        return Route.objects.get(pk=UUID(ref))
    except (ValueError, Route.DoesNotExist):
        pass
    method, _, pattern = ref.strip().partition(" ")
    route = Route.objects.filter(method=method.upper(), path_pattern=pattern.strip()).first()
    if route is None:
        raise RouteNotFound(f"No route {ref!r} (give its id or 'METHOD /path').")
    return route


def gateway_state() -> GatewayState:
    return GatewayState.objects.filter(pk=1).first() or GatewayState()


def routes_by_mode() -> dict[str, int]:
    counts = dict(Route.objects.values_list("mode").annotate(n=Count("id")))
    return {mode.value: counts.get(mode.value, 0) for mode in RouteMode}


@dataclass(frozen=True)
class HourShare:
    hour: datetime
    legacy: int
    new: int

    @property
    def new_percent(self) -> float:
        total = self.legacy + self.new
        return round(100 * self.new / total, 1) if total else 0.0


def new_traffic_share(*, hours: int = 24, now: datetime | None = None) -> list[HourShare]:
    """Requests on legacy and on new code per hour, oldest first (hours with traffic)."""
    since = (now or timezone.now()) - timedelta(hours=hours)
    rows = (
        RouteTraffic.objects.filter(hour__gte=since, target__in=("legacy", "new"))
        .values("hour")
        .annotate(
            legacy=Sum("count", filter=Q(target="legacy")), new=Sum("count", filter=Q(target="new"))
        )
        .order_by("hour")
    )
    return [HourShare(r["hour"], r["legacy"] or 0, r["new"] or 0) for r in rows]


@dataclass(frozen=True)
class RouteFigures:
    route: Route
    legacy: int
    new: int
    compared: int
    mismatched: int

    @property
    def mismatch_percent(self) -> float | None:
        return round(100 * self.mismatched / self.compared, 1) if self.compared else None


def route_figures(*, days: int = 7, now: datetime | None = None) -> list[RouteFigures]:
    since = (now or timezone.now()) - timedelta(days=days)
    sums = {
        (r["route_id"], r["target"]): r["n"]
        for r in RouteTraffic.objects.filter(hour__gte=since)
        .values("route_id", "target")
        .annotate(n=Sum("count"))
    }
    figures = []
    for route in Route.objects.all():
        mismatched = sums.get((route.id, "shadow-mismatch"), 0)
        compared = sums.get((route.id, "shadow-match"), 0) + mismatched
        legacy, new = sums.get((route.id, "legacy"), 0), sums.get((route.id, "new"), 0)
        figures.append(RouteFigures(route, legacy, new, compared, mismatched))
    return figures


def legacy_unused(*, days: int, now: datetime | None = None) -> list[Route]:
    """Routes whose legacy side has had no traffic for ``days`` days: safe to delete there."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return list(
        Route.objects.filter(Q(last_legacy_at__isnull=True) | Q(last_legacy_at__lt=cutoff))
        .exclude(mode__in=(RouteMode.LEGACY, RouteMode.SHADOW))
        .order_by("path_pattern")
    )


def recent_mismatches(*, limit: int = 10) -> list[ShadowMismatch]:
    return list(ShadowMismatch.objects.select_related("route")[:limit])
