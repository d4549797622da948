"""The space catalogue: which spaces exist and what they are.

Callers ask ``space_catalogue()`` and get the legacy implementation (the legacy API
through the client and the ACL) or the new one (the marketplace's published endpoints,
called in process through Django's URL resolver), as ``LEGACY_PORTS["spaces"]`` says —
so the capability is switched by configuration, and both satisfy the same contract
suite (``tests/legacy/test_sync.py``). Both speak the new API's shapes.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from legacy_adapter.acl.resources import space_from_legacy
from legacy_adapter.acl.values import number_for
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import SideFailed
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

SPACE_FIELDS = (
    "id",
    "owner_id",
    "name",
    "description",
    "is_online",
    "location",
    "capacity",
    "status",
)


class SpaceCatalogue(Protocol):
    def space_get(self, *, space_id: UUID) -> dict | None: ...

    def space_list(self) -> list[dict]: ...


def _fields(space: dict) -> dict:
    return {name: space.get(name) for name in SPACE_FIELDS}


class LegacySpaceCatalogue:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:spaces")

    def space_get(self, *, space_id: UUID) -> dict | None:
        number = number_for("space", space_id)
        if number is None:
            return None  # born on the new side: legacy cannot know it
        space = legacy_side.one(self.client, f"/api/spaces/{number}")
        return None if space is None else _fields(space_from_legacy(space))

    def space_list(self) -> list[dict]:
        spaces = [
            _fields(space_from_legacy(item))
            for item in legacy_side.items(self.client, "/api/spaces", number_field="space_no")
        ]
        return [s for s in spaces if s["status"] == "listed"]


class NewSpaceCatalogue:
    """The marketplace's public endpoints, in process (no import of the domain)."""

    def space_get(self, *, space_id: UUID) -> dict | None:
        status, body = new_side.get(f"/api/v1/marketplace/spaces/{space_id}")
        if status == 404:
            return None
        if status != 200:
            raise SideFailed(f"marketplace space detail answered {status}: {body}")
        return _fields(body)

    def space_list(self) -> list[dict]:
        status, spaces = new_side.pages("/api/v1/marketplace/spaces")
        if status != 200:
            raise SideFailed(f"marketplace space list answered {status}")
        return [_fields(s) for s in spaces]


def space_catalogue() -> SpaceCatalogue:
    return NewSpaceCatalogue() if uses_new("spaces") else LegacySpaceCatalogue()
