"""API keys for public API clients: shown once, stored as a digest, found by prefix.

A key reads ``lcp_<prefix>_<secret>``; the prefix identifies it in lists and logs
without revealing it. Its scopes are a subset of its owner's permissions when it is
made, and it never grants more than the owner holds now (a revoked role shrinks it).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.refusals import Invalid, Unauthenticated
from domains.identity.apps import ALIAS
from domains.identity.models import ApiKey, User
from domains.identity.selectors import member_roles, role_permissions
from domains.identity.services.credentials import secret_digest, secret_new
from domains.identity.services.tokens import TokenPair, access_token_issue

KEY_PREFIX = "lcp_"


class ApiKeyRefused(Unauthenticated):
    pass


class ApiKeyInvalid(Invalid):
    """A key that may not be made as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


def api_key_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None,
    now: datetime | None = None,
) -> tuple[ApiKey, str]:
    """The key record and the key itself, which is never stored or shown again."""
    now = now or timezone.now()
    allowed = role_permissions(roles=member_roles(user=user))
    beyond = sorted(set(scopes) - allowed)
    if beyond:
        raise ApiKeyInvalid("scopes", f"You do not hold these permissions: {', '.join(beyond)}.")
    if expires_at is not None and expires_at <= now:
        raise ApiKeyInvalid("expires_at", "The expiry must be in the future.")
    prefix = secret_new()[:8].replace("-", "x").replace("_", "y")
    plain = f"{KEY_PREFIX}{prefix}_{secret_new()}"
    with transaction.atomic(using=ALIAS):
        key = ApiKey.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            key_hash=secret_digest(plain),
            scopes=sorted(set(scopes)),
            created_at=now,
            expires_at=expires_at,
        )
    return key, plain


def api_key_revoke(*, user: User, key_id: UUID, now: datetime | None = None) -> ApiKey | None:
    with transaction.atomic(using=ALIAS):
        key = ApiKey.objects.select_for_update().filter(user=user, id=key_id).first()
        if key is not None and key.revoked_at is None:
            key.revoked_at = now or timezone.now()
            key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(*, plain: str, now: datetime | None = None) -> tuple[ApiKey, frozenset]:
    """The key and the scopes it grants now; records its use."""
    now = now or timezone.now()
    key = ApiKey.objects.select_related("user").filter(key_hash=secret_digest(plain)).first()
    if key is None or key.revoked_at is not None or not key.user.is_active:
        raise ApiKeyRefused("The API key is unknown or revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        raise ApiKeyRefused("The API key has expired.")
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    scopes = frozenset(key.scopes) & role_permissions(roles=member_roles(user=key.user))
    return key, scopes


def api_key_token(*, plain: str, now: datetime | None = None) -> TokenPair:
    """A short access token carrying the scopes the key grants now, for parts that
    cannot check keys themselves. Raises ``ApiKeyRefused``."""
    key, scopes = api_key_authenticate(plain=plain, now=now)
    return TokenPair(
        access_token=access_token_issue(
            subject=str(key.user_id),
            audience=settings.AUTH_AUDIENCE,
            kind="api_key",
            scopes=scopes,
            lifetime=settings.AUTH_ACCESS_TOKEN_SECONDS,
            extra={"api_key_id": str(key.id)},
            now=now,
        ),
        expires_in=settings.AUTH_ACCESS_TOKEN_SECONDS,
    )
