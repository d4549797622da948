"""What each capability of the legacy system consists of, so it can be deleted whole.

A capability (``spaces``, ``bookings``, ...) is reached three ways during the
transition: through the gateway's routes (the legacy API contract), through a port's
legacy side (domain-facing code), and through the data sync (a resource copied into a
domain). Retiring it (``manage.py legacy_retire``) closes all three at once; the gate
(``legacy_adapter.usage.readiness``) says when that is safe.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    name: str
    #: Gateway routes ("METHOD /pattern") of the legacy contract for it.
    routes: tuple[str, ...]
    #: The ``LEGACY_PORTS`` key of its port, or "" when it has none.
    port: str
    #: Sync resources (``LEGACY_SYNC_SINKS`` keys) that copy its data.
    resources: tuple[str, ...]
    #: Legacy path prefixes its calls go to (matched against recorded endpoints).
    legacy_paths: tuple[str, ...]


CAPABILITIES = {
    c.name: c
    for c in (
        Capability("members", ("GET /api/users/{id}",), "members", ("users",), ("/api/users",)),
        Capability(
            "learning", (), "learning", ("activity",), ("/api/activity", "/api/users/{n}/activity")
        ),
        Capability(
            "spaces",
            ("GET /api/spaces", "GET /api/spaces/{id}"),
            "spaces",
            ("spaces",),
            ("/api/spaces",),
        ),
        Capability(
            "bookings", ("POST /api/bookings",), "bookings", ("bookings",), ("/api/bookings",)
        ),
        Capability(
            "proposals",
            ("GET /api/proposals", "POST /api/proposals/{id}/votes", "GET /api/votes"),
            "proposals",
            ("proposals", "votes"),
            ("/api/proposals", "/api/votes"),
        ),
        Capability("ratings", ("GET /api/ratings",), "ratings", ("ratings",), ("/api/ratings",)),
    )
}


def capability_of_endpoint(endpoint: str) -> str | None:
    """The capability a recorded endpoint ("GET /api/spaces/{n}") belongs to."""
    path = endpoint.split(" ", 1)[-1]
    best = None
    for capability in CAPABILITIES.values():
        for prefix in capability.legacy_paths:
            if (path == prefix or path.startswith(prefix + "/")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (capability.name, len(prefix))
    return best[0] if best else None
