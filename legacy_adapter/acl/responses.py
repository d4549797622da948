"""Whole responses of the new API in the legacy contract's shape, by route translator name.

The gateway serves a legacy endpoint from new code by calling the domain's endpoint
and passing its answer through the translator the route names: paginated lists
(``count``/``results``) become ``total``/``items``, problem+json becomes the legacy
error body, and each record is translated by ``resources``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from legacy_adapter.acl import resources
from legacy_adapter.acl.values import problem_to_legacy_error

_RECORDS: dict[str, Callable[[dict], dict]] = {
    "users": resources.user_to_legacy,
    "spaces": resources.space_to_legacy,
    "bookings": resources.booking_to_legacy,
    "proposals": resources.proposal_to_legacy,
    "ratings": resources.rating_to_legacy,
}

#: ``<resource>.list`` and ``<resource>.detail`` for every resource above.
TRANSLATORS = sorted(f"{name}.{kind}" for name in _RECORDS for kind in ("list", "detail"))


def to_legacy(translator: str, status: int, body: Any) -> Any:
    """The legacy body for a new-side answer ``(status, body)`` on a route."""
    if status >= 400:
        return problem_to_legacy_error(status, body if isinstance(body, dict) else None)
    resource, kind = translator.split(".")
    record = _RECORDS[resource]
    if kind == "list":
        items = body.get("results", []) if isinstance(body, dict) else body
        total = body.get("count", len(items)) if isinstance(body, dict) else len(items)
        return {"total": total, "items": [record(item) for item in items]}
    return record(body)
