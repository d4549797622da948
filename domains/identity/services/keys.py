"""Signing keys: create the first, rotate, retire.

Rotation publishes the new key at once but lets it sign only after
``AUTH_JWKS_MIN_REFRESH_SECONDS``: by the time a token carries the new ``kid``, every
process's JWKS cache is allowed to refresh on that unknown kid (``common.auth.jwks``)
and finds it published. The previous key keeps signing until then and verifying
until every token it signed has expired (``verify_until`` = hand-over + token
lifetimes + clock leeway), then drops out of the JWKS.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from domains.identity.apps import ALIAS
from domains.identity.keys import key_pair_generate, private_key_encrypt
from domains.identity.models import SigningKey


def _key_create(*, now: datetime, signs_from: datetime) -> SigningKey:
    private, jwk = key_pair_generate()
    kid = f"{now:%Y%m%d}-{uuid.uuid4().hex[:12]}"
    return SigningKey.objects.create(
        kid=kid,
        public_jwk=jwk,
        private_key_encrypted=private_key_encrypt(private=private, kid=kid),
        created_at=now,
        signs_from=signs_from,
    )


def signing_key_active(*, now: datetime | None = None) -> SigningKey:
    """The key that signs now; the first one is created on first use (no process can
    have cached a key set before the first key exists, so it signs at once)."""
    now = now or timezone.now()
    signing = SigningKey.objects.filter(signs_from__lte=now).order_by("-signs_from")
    key = signing.first()
    if key is not None:
        return key
    with transaction.atomic(using=ALIAS):
        # Two first users could race: the lock keeps it to one key.
        key = signing.select_for_update().first()
        return key or _key_create(now=now, signs_from=now)


def signing_key_rotate(*, now: datetime | None = None) -> SigningKey:
    """A new signing key, signing from ``AUTH_JWKS_MIN_REFRESH_SECONDS`` on; the old ones
    verify until their tokens have expired."""
    now = now or timezone.now()
    hand_over = now + timedelta(seconds=settings.AUTH_JWKS_MIN_REFRESH_SECONDS)
    grace = timedelta(
        seconds=settings.AUTH_ACCESS_TOKEN_SECONDS
        + settings.AUTH_SERVICE_TOKEN_SECONDS
        + settings.AUTH_CLOCK_LEEWAY_SECONDS
    )
    with transaction.atomic(using=ALIAS):
        SigningKey.objects.select_for_update().filter(superseded_at__isnull=True).update(
            superseded_at=hand_over, verify_until=hand_over + grace
        )
        return _key_create(now=now, signs_from=hand_over)


def signing_key_rotate_when_due(*, now: datetime | None = None) -> SigningKey | None:
    """Rotate when the signing key is older than ``IDENTITY_SIGNING_KEY_MAX_AGE_DAYS``
    (and prune the keys that verify nothing any more); the new key, or None when not due.
    Celery beat runs it hourly (``identity.rotate_signing_key_when_due``)."""
    now = now or timezone.now()
    signing_keys_prune(now=now)
    current = signing_key_active(now=now)
    if now - current.created_at < timedelta(days=settings.IDENTITY_SIGNING_KEY_MAX_AGE_DAYS):
        return None
    if SigningKey.objects.filter(signs_from__gt=now).exists():
        return None  # a rotation is already handing over
    return signing_key_rotate(now=now)


def signing_keys_prune(*, now: datetime | None = None) -> int:
    """Delete keys that no longer verify anything; how many went."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        deleted, _ = SigningKey.objects.filter(verify_until__lte=now).delete()
    return deleted
