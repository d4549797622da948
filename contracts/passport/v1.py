"""Passport's published events, version 1."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class CredentialIssued(Event):
    """A verifiable credential was issued to a member; ``expires_at`` None means never."""

    TYPE = "passport.credential_issued"
    VERSION = 1

    credential_id: UUID
    member_id: UUID
    kind: str
    issued_at: datetime
    expires_at: datetime | None = None


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class CredentialRevoked(Event):
    """A credential was revoked and no longer verifies."""

    TYPE = "passport.credential_revoked"
    VERSION = 1

    credential_id: UUID
    member_id: UUID
    reason: str
    revoked_at: datetime
