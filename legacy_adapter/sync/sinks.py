"""Where synced records go: a sink per resource, named in settings.

The adapter may not import domains, so each domain provides the sink that writes its
own tables (keyed by the ACL's stable ids, so an upsert is idempotent) and
``LEGACY_SYNC_SINKS`` maps resource names to their dotted paths — configuration, not
an import. A sink receives records already in the new API's shape.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from legacy_adapter.acl import resources

#: resource -> (legacy list path, legacy number field, legacy -> new translator)
RESOURCES = {
    "users": ("/api/users", "user_no", resources.user_from_legacy),
    "activity": ("/api/activity", "act_no", resources.activity_from_legacy),
    "spaces": ("/api/spaces", "space_no", resources.space_from_legacy),
    "bookings": ("/api/bookings", "booking_no", resources.booking_from_legacy),
    "proposals": ("/api/proposals", "proposal_no", resources.proposal_from_legacy),
    "votes": ("/api/votes", "vote_no", resources.vote_from_legacy),
    "ratings": ("/api/ratings", "rating_no", resources.rating_from_legacy),
}


class Sink(Protocol):
    def upsert(self, records: list[dict]) -> dict:
        """Store the records; counts of ``created``, ``updated``, ``unchanged`` and
        ``skipped`` (records the domain refused), and ``problems``: one line per skipped
        record saying which and why. A refusal never stops the page or half-writes it."""

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        """The stored records by id, in the same shape ``upsert`` received."""


class NoSink(LookupError):
    pass


def sink_for(resource: str) -> Sink:
    if resource not in RESOURCES:
        raise NoSink(f"Unknown resource {resource!r}; one of {', '.join(RESOURCES)}.")
    retired = retired_resources()
    if resource in retired:
        raise NoSink(f"{resource!r} belongs to the retired capability {retired[resource]!r}.")
    path = settings.LEGACY_SYNC_SINKS.get(resource)
    if not path:
        raise NoSink(f"No sink configured for {resource!r} (LEGACY_SYNC_SINKS).")
    return import_string(path)()


def retired_resources() -> dict[str, str]:
    """resource -> its retired capability (``legacy_retire``): no sync runs for them."""
    from legacy_adapter.capabilities import CAPABILITIES
    from legacy_adapter.models import RetiredCapability

    names = set(RetiredCapability.objects.values_list("name", flat=True))
    return {r: c.name for c in CAPABILITIES.values() if c.name in names for r in c.resources}
