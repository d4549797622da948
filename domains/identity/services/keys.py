"""Signing keys: create the first, rotate, retire.

Rotation makes a new key the signer at once; the previous one keeps verifying until
every token it signed has expired (``verify_until`` = rotation time + access-token
lifetime + clock leeway), then drops out of the JWKS. Other processes learn the new
``kid`` the first time they see it (``common.auth.jwks``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from domains.identity.keys import key_pair_generate, private_key_encrypt
from domains.identity.models import SigningKey

ALIAS = "identity"


def _key_create(*, now: datetime) -> SigningKey:
    private, jwk = key_pair_generate()
    kid = f"{now:%Y%m%d}-{uuid.uuid4().hex[:12]}"
    return SigningKey.objects.create(
        kid=kid,
        public_jwk=jwk,
        private_key_encrypted=private_key_encrypt(private=private, kid=kid),
        created_at=now,
    )


def signing_key_active(*, now: datetime | None = None) -> SigningKey:
    """The key that signs now; the first one is created on first use."""
    key = SigningKey.objects.filter(superseded_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic(using=ALIAS):
        # Two first users could race: the lock on the table keeps it to one key.
        key = SigningKey.objects.select_for_update().filter(superseded_at__isnull=True).first()
        return key or _key_create(now=now or timezone.now())


def signing_key_rotate(*, now: datetime | None = None) -> SigningKey:
    """A new signing key; the old ones verify until their tokens have expired."""
    now = now or timezone.now()
    grace = timedelta(
        seconds=settings.AUTH_ACCESS_TOKEN_SECONDS
        + settings.AUTH_SERVICE_TOKEN_SECONDS
        + settings.AUTH_CLOCK_LEEWAY_SECONDS
    )
    with transaction.atomic(using=ALIAS):
        SigningKey.objects.select_for_update().filter(superseded_at__isnull=True).update(
            superseded_at=now, verify_until=now + grace
        )
        return _key_create(now=now)


def signing_keys_prune(*, now: datetime | None = None) -> int:
    """Delete keys that no longer verify anything; how many went."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        deleted, _ = SigningKey.objects.filter(verify_until__lte=now).delete()
    return deleted
