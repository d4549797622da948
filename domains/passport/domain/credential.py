"""An issued credential as an event-sourced aggregate: issuance and revocation, for good.

The signed document is part of the ``Issued`` event, so the event store alone can
serve, verify and re-publish every credential ever issued; revocation is an event
too, and the status list is rebuilt from those events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from common.refusals import Conflict, Forbidden


class AlreadyRevoked(Conflict):
    pass


class NotIssuer(Forbidden):
    """Only the member who issued a credential, or an admin, revokes it."""


class Credential(Aggregate):
    @staticmethod
    def create_id(credential_id: UUID) -> UUID:
        return credential_id

    @event("Issued")
    def __init__(
        self,
        credential_id: UUID,
        member_id: UUID,
        kind: str,
        document: dict[str, Any],
        status_index: int,
        issued_at: datetime,
        expires_at: datetime | None,
        issued_by: UUID | None = None,
    ) -> None:
        self.member_id = member_id
        self.kind = kind
        self.document = document
        self.status_index = status_index
        self.issued_at = issued_at
        self.expires_at = expires_at
        #: Who issued it (None for credentials issued before it was recorded).
        self.issued_by = issued_by
        self.revoked_at: datetime | None = None
        self.revoked_by: UUID | None = None
        self.reason = ""

    def revoke(self, *, reason: str, at: datetime, by: UUID, by_admin: bool = False) -> None:
        """Revoke, as ``by``: the issuer, or an admin (``by_admin``); the event says who."""
        issuer = getattr(self, "issued_by", None)  # absent from older snapshots
        if not by_admin and (issuer is None or str(issuer) != str(by)):
            raise NotIssuer("Only the member who issued this credential, or an admin, revokes it.")
        if self.revoked_at is not None:
            raise AlreadyRevoked(f"The credential was revoked at {self.revoked_at.isoformat()}.")
        self._revoked(member_id=self.member_id, reason=reason, at=at, revoked_by=by)

    @event("Revoked")
    def _revoked(
        self, member_id: UUID, reason: str, at: datetime, revoked_by: UUID | None = None
    ) -> None:
        self.revoked_at = at
        self.revoked_by = revoked_by
        self.reason = reason
