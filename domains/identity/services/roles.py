"""Granting and revoking roles: audited in identity's event store, published through
the outbox, applied to the table tokens are built from.

Order matters: the change is first recorded in the member's ``MemberRoles`` aggregate
(its rules refuse a change that changes nothing, its version refuses a concurrent
writer), then the assignment table and the ``RoleGranted``/``RoleRevoked`` outbox row
are written in one identity transaction. The event store commits on its own
connection (on SQLite it could not write inside an open identity transaction), so a
crash between the two leaves the audit ahead of the table; ``role_assignments_sync``
brings the table back to the audited state and runs on every change, and granting
the role again finishes the interrupted grant (table and outbox) without a second
audit event.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from eventsourcing.application import AggregateNotFoundError

from contracts.events import Event
from contracts.identity.v1 import RoleGranted, RoleRevoked
from domains.identity.audit import IdentityAudit
from domains.identity.domain.roles import MemberRoles
from domains.identity.models import Role, RoleAssignment, User
from eventing.eventstore import get_application
from eventing.outbox import outbox_publish

ALIAS = "identity"


class UnknownRole(ValueError):
    pass


def _member_roles(user: User) -> tuple[IdentityAudit, MemberRoles]:
    app = get_application(IdentityAudit)
    try:
        return app, app.repository.get(MemberRoles.create_id(user.id))
    except AggregateNotFoundError:
        return app, MemberRoles(member_id=user.id)


def role_assignments_sync(*, user: User, roles: list[str], by: UUID | None, at: datetime) -> None:
    """Make the assignment table hold exactly ``roles`` (call inside the transaction)."""
    RoleAssignment.objects.filter(user=user).exclude(role_id__in=roles).delete()
    held = set(RoleAssignment.objects.filter(user=user).values_list("role_id", flat=True))
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role_id=role, granted_at=at, granted_by=by)
        for role in roles
        if role not in held
    )


def _apply(user: User, aggregate: MemberRoles, by: UUID | None, at: datetime, event: Event) -> None:
    """After the audit: the table follows the aggregate and the event goes out, together."""
    with transaction.atomic(using=ALIAS):
        role_assignments_sync(user=user, roles=aggregate.roles, by=by, at=at)
        outbox_publish(alias=ALIAS, producer="identity", aggregate_id=str(user.id), event=event)


def role_grant(
    *, user: User, role: str, granted_by: UUID | None, now: datetime | None = None
) -> None:
    """Raises ``UnknownRole`` or ``RoleChangeRefused`` (already held, baseline role)."""
    now = now or timezone.now()
    if not Role.objects.filter(name=role).exists():
        raise UnknownRole(f"There is no role {role!r}.")
    app, aggregate = _member_roles(user)
    if role in aggregate.roles and not user.role_assignments.filter(role_id=role).exists():
        # Audited before a crash kept it from the table: finish that grant, no new event.
        granted_by = aggregate.granted_by(role)
    else:
        aggregate.grant(role=role, by=granted_by, at=now)
        app.save(aggregate)
    granted = RoleGranted(member_id=user.id, role=role, granted_by=granted_by, granted_at=now)
    _apply(user, aggregate, granted_by, now, granted)


def role_revoke(
    *, user: User, role: str, revoked_by: UUID | None, now: datetime | None = None
) -> None:
    """Raises ``RoleChangeRefused`` when the member does not hold the role."""
    now = now or timezone.now()
    app, aggregate = _member_roles(user)
    aggregate.revoke(role=role, by=revoked_by, at=now)
    app.save(aggregate)
    revoked = RoleRevoked(member_id=user.id, role=role, revoked_by=revoked_by, revoked_at=now)
    _apply(user, aggregate, revoked_by, now, revoked)
