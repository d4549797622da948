"""The member directory: who a member is (display name, bio, since when).

``member_directory()`` gives the legacy implementation (legacy ``/api/users/{n}`` and
its ``/profile``, through the client and the ACL) or the new one (identity's published
``GET /api/v1/identity/users/<id>``, in process), as ``LEGACY_PORTS["members"]`` says.
Both answer ``MEMBER_FIELDS`` in the new API's shapes, or None for no such member.

The caller's ``authorization`` (the ``Authorization`` header value) is passed to the
new side, where identity decides: a member reads their own account, ``user.read`` reads
anyone's; a refusal raises ``MemberRefused``. The legacy side ignores it — the legacy
system trusts its network and has no per-caller rule — so only the new side refuses.

Normalised: legacy writes ``joined`` to the minute in local time; both sides answer
``date_joined`` as UTC ISO 8601 cut to the minute, so the same member compares equal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from legacy_adapter.acl.resources import user_from_legacy
from legacy_adapter.acl.values import number_for
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import MemberRefused, SideFailed, refusal_for
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

MEMBER_FIELDS = ("id", "display_name", "bio", "date_joined")


class MemberDirectory(Protocol):
    def member_get(self, *, member_id: UUID, authorization: str | None = None) -> dict | None: ...


def _member(user: dict) -> dict:
    joined = datetime.fromisoformat(user["date_joined"].replace("Z", "+00:00"))
    return {
        "id": str(user["id"]),
        "display_name": user["display_name"],
        "bio": user["bio"],
        "date_joined": joined.replace(second=0, microsecond=0).isoformat(),
    }


class LegacyMemberDirectory:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:members")

    def member_get(self, *, member_id: UUID, authorization: str | None = None) -> dict | None:
        number = number_for("user", member_id)
        if number is None:
            return None  # born on the new side: legacy cannot know them
        user = legacy_side.one(self.client, f"/api/users/{number}")
        if user is None:
            return None
        profile = legacy_side.one(self.client, f"/api/users/{number}/profile")
        if profile is None:
            raise SideFailed(f"legacy user {number} has no profile")
        return _member(user_from_legacy({**user, "bio": profile["bio"]}))


class NewMemberDirectory:
    """Identity's user detail, in process, for the caller ``authorization`` names."""

    def member_get(self, *, member_id: UUID, authorization: str | None = None) -> dict | None:
        status, body = new_side.get(
            f"/api/v1/identity/users/{member_id}", authorization=authorization
        )
        if status == 404:
            return None
        if status != 200:
            raise refusal_for(MemberRefused, status, body)
        return _member(body)


def member_directory() -> MemberDirectory:
    return NewMemberDirectory() if uses_new("members") else LegacyMemberDirectory()
