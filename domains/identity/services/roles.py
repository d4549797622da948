"""Granting and revoking roles: audited in identity's event store, published through
the outbox, applied to the table tokens are built from — in one identity transaction.

The change is recorded in the member's ``MemberRoles`` aggregate (its rules refuse a
change that changes nothing, its version refuses a concurrent writer); the assignment
table, the ``RoleGranted``/``RoleRevoked`` outbox row and the audit event are written
in the same ``transaction.atomic(using="identity")`` (the event store writes on
Django's connection), so a change is audited, applied and announced, or none of it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from eventsourcing.application import AggregateNotFoundError

from common.refusals import Invalid
from contracts.events import Event
from contracts.identity.v1 import RoleGranted, RoleRevoked
from domains.identity.apps import ALIAS
from domains.identity.audit import IdentityAudit
from domains.identity.domain.roles import MemberRoles
from domains.identity.models import Role, RoleAssignment, User
from eventing.eventstore import get_application
from eventing.outbox import outbox_publish


class UnknownRole(Invalid):
    field = "role"


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


def _record(
    app: IdentityAudit, user: User, aggregate: MemberRoles, by: UUID | None, at: datetime,
    event: Event,
) -> None:  # fmt: skip
    """The table follows the aggregate, the event goes out, the audit is appended.

    Appended last: on PostgreSQL the append holds the audit table's lock to the commit.
    """
    role_assignments_sync(user=user, roles=aggregate.roles, by=by, at=at)
    outbox_publish(alias=ALIAS, producer="identity", aggregate_id=str(user.id), event=event)
    app.save(aggregate)


def role_grant(
    *, user: User, role: str, granted_by: UUID | None, now: datetime | None = None
) -> None:
    """Raises ``UnknownRole`` or ``RoleChangeRefused`` (already held, baseline role)."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        if not Role.objects.filter(name=role).exists():
            raise UnknownRole(f"There is no role {role!r}.")
        app, aggregate = _member_roles(user)
        aggregate.grant(role=role, by=granted_by, at=now)
        granted = RoleGranted(member_id=user.id, role=role, granted_by=granted_by, granted_at=now)
        _record(app, user, aggregate, granted_by, now, granted)


def role_revoke(
    *, user: User, role: str, revoked_by: UUID | None, now: datetime | None = None
) -> None:
    """Raises ``RoleChangeRefused`` when the member does not hold the role."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        app, aggregate = _member_roles(user)
        aggregate.revoke(role=role, by=revoked_by, at=now)
        revoked = RoleRevoked(member_id=user.id, role=role, revoked_by=revoked_by, revoked_at=now)
        _record(app, user, aggregate, revoked_by, now, revoked)
