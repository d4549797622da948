"""Identity reads: members' roles and permissions, the published key set, lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from domains.identity.audit import IdentityAudit
from domains.identity.domain.roles import MemberRoles
from domains.identity.models import ApiKey, Role, SigningKey, User
from eventing.eventstore import get_application


def member_roles(*, user: User) -> frozenset[str]:
    """The baseline role, the granted ones, and admin for a superuser."""
    return user.roles_held()


def role_names() -> frozenset[str]:
    """Every role the platform grants (the catalogue, admins' own roles included); the
    gateway checks cohort rules against it (``GATEWAY_ROLE_CATALOGUE``)."""
    return frozenset(Role.objects.values_list("name", flat=True))


def role_permissions(*, roles: frozenset[str]) -> frozenset[str]:
    return Role.permissions_of(roles)


def signing_keys_verifying(*, now: datetime | None = None) -> QuerySet[SigningKey]:
    """The active key and the previous ones whose tokens may still be unexpired."""
    now = now or timezone.now()
    return SigningKey.objects.filter(Q(verify_until__isnull=True) | Q(verify_until__gt=now))


def jwks_document(*, now: datetime | None = None) -> dict[str, Any]:
    """``/.well-known/jwks.json``; also the local JWKS provider of processes serving identity."""
    return {"keys": [{**key.public_jwk, "kid": key.kid} for key in signing_keys_verifying(now=now)]}


def user_list() -> QuerySet[User]:
    return User.objects.order_by("date_joined", "id")


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user)


def role_history(*, user: User) -> list[dict[str, Any]]:
    """The audited changes of a member's roles, oldest first (from the event store)."""
    app = get_application(IdentityAudit)
    return [
        {"change": type(e).__name__, "role": e.role, "by": e.by, "at": e.at}
        for e in app.events.get(MemberRoles.create_id(user.id))
        if isinstance(e, MemberRoles.RoleGranted | MemberRoles.RoleRevoked)
    ]
