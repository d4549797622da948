"""A role change is one identity transaction: assignment table, outbox row and audit
event commit together or not at all (they were three writes on two connections, with
a "finish the interrupted grant" path for the gap)."""

from uuid import uuid4

import pytest
from django.db import transaction
from django.utils import timezone

from domains.identity.audit import IdentityAudit
from domains.identity.domain.roles import MemberRoles
from domains.identity.models import RoleAssignment, User
from domains.identity.selectors import role_history
from domains.identity.services import roles
from eventing.eventstore import ConcurrencyConflict, get_application
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(databases=["identity"])


class Crash(Exception):
    """Stands for the process dying at this point (nothing after it runs)."""


def crash(*args, **kwargs):
    raise Crash


def member() -> User:
    return User.objects.create_user(f"{uuid4().hex[:12]}@example.org", None)


def nothing_recorded(user: User) -> bool:
    return (
        not RoleAssignment.objects.filter(user=user).exists()
        and not OutboxMessage.objects.using("identity").filter(aggregate_id=str(user.id)).exists()
        and role_history(user=user) == []
    )


@pytest.mark.parametrize(
    "between",
    [
        # after the assignment table, before the outbox row
        "domains.identity.services.roles.outbox_publish",
        # after table and outbox, at the audit append
        "domains.identity.audit.IdentityAudit.save",
    ],
)
def test_a_grant_interrupted_between_two_writes_leaves_none_of_them(monkeypatch, between):
    user = member()
    monkeypatch.setattr(between, crash)
    with pytest.raises(Crash):
        roles.role_grant(user=user, role="mentor", granted_by=None)
    assert nothing_recorded(user)


def test_a_revocation_interrupted_before_its_audit_leaves_the_role_held(monkeypatch):
    user = member()
    roles.role_grant(user=user, role="mentor", granted_by=None)
    monkeypatch.setattr("domains.identity.audit.IdentityAudit.save", crash)
    with pytest.raises(Crash):
        roles.role_revoke(user=user, role="mentor", revoked_by=None)
    assert list(RoleAssignment.objects.filter(user=user).values_list("role_id", flat=True)) == [
        "mentor"
    ]
    assert [h["change"] for h in role_history(user=user)] == ["RoleGranted"]
    assert OutboxMessage.objects.using("identity").filter(aggregate_id=str(user.id)).count() == 1


def test_an_audit_refused_as_stale_takes_the_table_and_outbox_writes_back_with_it(monkeypatch):
    """Another writer audited a change of the same member after this one read it."""
    user = member()
    app = get_application(IdentityAudit)
    read = roles._member_roles

    def read_then_someone_else_writes(u):
        found = read(u)
        rival = MemberRoles(member_id=u.id)
        rival.grant(role="moderator", by=None, at=timezone.now())
        app.save(rival)  # versions 1 and 2 recorded first (undone with the refusal)
        return found

    monkeypatch.setattr(roles, "_member_roles", read_then_someone_else_writes)
    with pytest.raises(ConcurrencyConflict):
        roles.role_grant(user=user, role="mentor", granted_by=None)
    assert nothing_recorded(user)


def test_a_grant_inside_the_callers_transaction_rolls_back_with_it():
    """The admin saves the user and its roles in one transaction: one fate for all."""
    user = member()
    with pytest.raises(Crash), transaction.atomic(using="identity"):
        roles.role_grant(user=user, role="mentor", granted_by=None)
        raise Crash
    assert nothing_recorded(user)
