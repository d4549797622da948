"""Issuing access tokens and rotating refresh tokens in families.

A login opens a family. Each refresh token is usable once: using it marks it used and
returns a new pair from the same family. Presenting a used token again means it leaked
(or the client is replaying): the whole family is revoked, so that device must sign in
again, while the member's other families (other devices) are untouched. Logout
revokes the family too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.refusals import Unauthenticated
from domains.identity.apps import ALIAS
from domains.identity.keys import private_key_decrypt
from domains.identity.models import RefreshFamily, RefreshToken, User
from domains.identity.selectors import member_roles, role_permissions
from domains.identity.services.credentials import secret_digest, secret_new
from domains.identity.services.keys import signing_key_active


class RefreshRefused(Unauthenticated):
    """The refresh token is unknown, expired, revoked, or was already used."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str | None = None


def access_token_issue(
    *,
    subject: str,
    audience: str,
    kind: str,
    roles: frozenset[str] = frozenset(),
    scopes: frozenset[str] = frozenset(),
    lifetime: int,
    extra: dict | None = None,
    now: datetime | None = None,
) -> str:
    now = now or timezone.now()
    key = signing_key_active(now=now)
    issued = int(now.timestamp())
    claims = {
        "iss": settings.AUTH_ISSUER,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime,
        "jti": uuid.uuid4().hex,
        "kind": kind,
        "roles": sorted(roles),
        "scopes": sorted(scopes),
        **(extra or {}),
    }
    private = private_key_decrypt(encrypted=bytes(key.private_key_encrypted), kid=key.kid)
    return jwt.encode(claims, private, algorithm=key.algorithm, headers={"kid": key.kid})


def member_access_token(*, user: User, now: datetime | None = None) -> str:
    roles = member_roles(user=user)
    return access_token_issue(
        subject=str(user.id),
        audience=settings.AUTH_AUDIENCE,
        kind="member",
        roles=roles,
        scopes=role_permissions(roles=roles),
        lifetime=settings.AUTH_ACCESS_TOKEN_SECONDS,
        extra={"email_verified": user.email_verified_at is not None},
        now=now,
    )


def _refresh_token_add(*, family: RefreshFamily, now: datetime) -> str:
    secret = f"rt_{secret_new()}"
    RefreshToken.objects.create(
        family=family,
        token_hash=secret_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=settings.AUTH_REFRESH_TOKEN_DAYS),
    )
    return secret


def token_pair_issue(*, user: User, now: datetime | None = None) -> TokenPair:
    """A new family (a new sign-in) with its first refresh token."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        family = RefreshFamily.objects.create(user=user, created_at=now)
        refresh = _refresh_token_add(family=family, now=now)
    return TokenPair(
        access_token=member_access_token(user=user, now=now),
        expires_in=settings.AUTH_ACCESS_TOKEN_SECONDS,
        refresh_token=refresh,
    )


def _family_revoke(family: RefreshFamily, *, reason: str, now: datetime) -> None:
    if family.revoked_at is None:
        family.revoked_at, family.revoked_reason = now, reason
        family.save(update_fields=["revoked_at", "revoked_reason"])


def token_refresh(*, refresh_token: str, now: datetime | None = None) -> TokenPair:
    """Trade a refresh token for a new pair; reuse revokes its family."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("family__user")
            .filter(token_hash=secret_digest(refresh_token))
            .first()
        )
        if token is None:
            raise RefreshRefused("The refresh token is not known.")
        family = RefreshFamily.objects.select_for_update().get(pk=token.family_id)
        if family.revoked_at is not None:
            raise RefreshRefused("The refresh token's sign-in was revoked; sign in again.")
        if token.used_at is not None:
            _family_revoke(family, reason="reuse", now=now)
            reuse = True
        elif token.expires_at <= now or not token.family.user.is_active:
            raise RefreshRefused("The refresh token has expired; sign in again.")
        else:
            reuse = False
            token.used_at = now
            token.save(update_fields=["used_at"])
            refresh = _refresh_token_add(family=family, now=now)
    if reuse:  # Raised after commit: the revocation must stick.
        raise RefreshRefused("The refresh token was already used; this sign-in is revoked.")
    return TokenPair(
        access_token=member_access_token(user=token.family.user, now=now),
        expires_in=settings.AUTH_ACCESS_TOKEN_SECONDS,
        refresh_token=refresh,
    )


def token_logout(*, refresh_token: str, now: datetime | None = None) -> None:
    """Revoke the sign-in (family) the refresh token belongs to; unknown tokens are ignored."""
    with transaction.atomic(using=ALIAS):
        family = (
            RefreshFamily.objects.select_for_update()
            .filter(tokens__token_hash=secret_digest(refresh_token))
            .first()
        )
        if family is not None:
            _family_revoke(family, reason="logout", now=now or timezone.now())


def member_families_revoke(*, user: User, reason: str, now: datetime | None = None) -> None:
    """Sign a member out everywhere (password change, deactivation)."""
    RefreshFamily.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_reason=reason
    )
