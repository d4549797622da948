"""Demo routes for ``make run``: the legacy API contract at several stages of migration.

``GET /api/users/{id}`` is still legacy, ``GET /api/spaces`` is shadowed, ``GET
/api/spaces/{id}`` is a 10 % canary, ``GET /api/proposals`` is served by new code and
``GET /api/votes`` is retired; writes stay on legacy. Modes are set through the audited
service (actor ``demo``), so each route's history in the admin shows how it got there.
Routes that exist already are left as they are (ops may have changed them).
"""

from gateway.models import Route
from gateway.modes import RouteMode
from gateway.services import route_change

#: method, pattern, new target, translator, mode, extra flags
ROUTES = [
    ("GET", "/api/users/{id}", "/api/v1/identity/users/{id}", "users.detail", RouteMode.LEGACY, {}),
    ("GET", "/api/spaces", "/api/v1/marketplace/spaces", "spaces.list", RouteMode.SHADOW,
     {"ignore_fields": ["changed"], "ignore_order": True}),
    ("GET", "/api/spaces/{id}", "/api/v1/marketplace/spaces/{id}", "spaces.detail",
     RouteMode.CANARY, {"canary_percent": 10, "ignore_fields": ["changed"]}),
    ("GET", "/api/proposals", "/api/v1/governance/proposals", "proposals.list", RouteMode.NEW, {}),
    ("GET", "/api/votes", "/api/v1/governance/proposals", "", RouteMode.RETIRED, {}),
    ("GET", "/api/ratings", "", "", RouteMode.LEGACY, {}),
    ("POST", "/api/bookings", "", "", RouteMode.LEGACY, {}),
    ("POST", "/api/proposals/{id}/votes", "", "", RouteMode.LEGACY, {}),
]  # fmt: skip

#: The steps each demo mode is reached by, as ops would take them.
_STEPS = {
    RouteMode.LEGACY: [],
    RouteMode.SHADOW: [RouteMode.SHADOW],
    RouteMode.CANARY: [RouteMode.SHADOW, RouteMode.CANARY],
    RouteMode.NEW: [RouteMode.SHADOW, RouteMode.CANARY, RouteMode.NEW],
    RouteMode.RETIRED: [RouteMode.NEW, RouteMode.RETIRED],
}


def load(stdout) -> None:
    created = 0
    for method, pattern, new_target, translator, mode, flags in ROUTES:
        route, is_new = Route.objects.get_or_create(
            method=method,
            path_pattern=pattern,
            defaults={"legacy_target": pattern, "new_target": new_target, "translator": translator},
        )
        if not is_new:
            continue
        created += 1
        for step in _STEPS[mode]:
            changes = {"mode": step.value}
            if step is RouteMode.CANARY:
                changes["canary_percent"] = flags.get("canary_percent", 5)
            route_change(route_id=route.id, changes=changes, actor="demo", reason="demo data")
        extra = {k: v for k, v in flags.items() if k != "canary_percent"}
        if extra:
            route_change(route_id=route.id, changes=extra, actor="demo", reason="demo ignore rules")
    stdout.write(f"gateway: {len(ROUTES)} routes ({created} new), legacy at LEGACY_BASE_URL")
