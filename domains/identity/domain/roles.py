"""The roles one member holds, as an event-sourced aggregate: the audit trail.

Every grant and revocation is an event recorded for good (who, when, which role), so
"who could moderate on 3 March, and who gave them that right" is answered from the
events. The ``RoleAssignment`` table is the current state the tokens are built from.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from common.refusals import Invalid
from domains.identity.domain.catalogue import BASELINE_ROLE

ROLES_NAMESPACE = UUID("0b6a3c3e-7d55-4d8e-9a0e-5c1f1b8a9d21")


class RoleChangeRefused(Invalid):
    """The change would not change anything (already held, not held, baseline)."""

    field = "role"


class MemberRoles(Aggregate):
    """Roles granted to one member, in the order they changed."""

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(ROLES_NAMESPACE, str(member_id))

    @event("Opened")
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.roles: list[str] = []
        self.grantors: dict[str, UUID | None] = {}

    def grant(self, *, role: str, by: UUID | None, at: datetime) -> None:
        if role == BASELINE_ROLE:
            raise RoleChangeRefused(f"Every member is a {BASELINE_ROLE}; it is never granted.")
        if role in self.roles:
            raise RoleChangeRefused(f"The member already holds the role {role!r}.")
        self._granted(role=role, by=by, at=at)

    def granted_by(self, role: str) -> UUID | None:
        """Who granted ``role`` most recently (None: the system)."""
        return self.grantors.get(role)

    def revoke(self, *, role: str, by: UUID | None, at: datetime) -> None:
        if role not in self.roles:
            raise RoleChangeRefused(f"The member does not hold the role {role!r}.")
        self._revoked(role=role, by=by, at=at)

    @event("RoleGranted")
    def _granted(self, role: str, by: UUID | None, at: datetime) -> None:
        self.roles.append(role)
        self.grantors[role] = by

    @event("RoleRevoked")
    def _revoked(self, role: str, by: UUID | None, at: datetime) -> None:
        self.roles.remove(role)
        self.grantors.pop(role, None)
