"""Demo routes for ``make run``: the legacy endpoints the migration starts from."""

from django.db import transaction

from gateway.models import Route
from gateway.modes import RouteMode

ROUTES = [
    ("GET", "/api/users/{id}", "/api/users/{id}", RouteMode.LEGACY),
    ("GET", "/api/spaces", "/api/spaces", RouteMode.SHADOW),
    ("GET", "/api/proposals", "/api/proposals", RouteMode.NEW),
]


def load(stdout) -> None:
    with transaction.atomic(using="default"):
        for method, pattern, target, mode in ROUTES:
            Route.objects.get_or_create(
                method=method,
                path_pattern=pattern,
                defaults={"legacy_target": target, "mode": mode},
            )
    stdout.write(f"gateway: {len(ROUTES)} routes")
