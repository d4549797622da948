"""Identity's published events, version 1."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class MemberRegistered(Event):
    """A person became a member of the community."""

    TYPE = "identity.member_registered"
    VERSION = 1

    member_id: UUID
    display_name: str
    joined_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class RoleGranted(Event):
    """A member was given a role; ``granted_by`` is None when the system granted it."""

    TYPE = "identity.role_granted"
    VERSION = 1

    member_id: UUID
    role: str
    granted_by: UUID | None = None
    granted_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class RoleRevoked(Event):
    """A member lost a role; ``revoked_by`` is None when the system revoked it."""

    TYPE = "identity.role_revoked"
    VERSION = 1

    member_id: UUID
    role: str
    revoked_by: UUID | None = None
    revoked_at: datetime
