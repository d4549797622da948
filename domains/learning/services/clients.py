"""LRS clients: HTTP Basic credentials for learning tools.

The secret is 32 random bytes, shown once; the LRS keeps its HMAC-SHA-256 digest
keyed with ``LRS_CLIENT_SECRET_KEY``. A random 256-bit secret cannot be guessed, so a
slow password hash buys nothing and would cost every request dearly (docs/xapi.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import transaction

from domains.learning.models import LrsClient


def secret_digest(secret: str) -> str:
    return hmac.new(
        settings.LRS_CLIENT_SECRET_KEY.encode(), secret.encode(), hashlib.sha256
    ).hexdigest()


def lrs_client_credentials() -> tuple[str, str]:
    """A new client key and its secret (for the API and the admin alike)."""
    return f"lrs_{secrets.token_hex(8)}", secrets.token_urlsafe(32)


def lrs_client_create(*, name: str, read_all: bool = True) -> tuple[LrsClient, str]:
    """A new client and its secret (the only time the secret is seen)."""
    key, secret = lrs_client_credentials()
    with transaction.atomic(using="learning"):
        client = LrsClient.objects.create(
            name=name, key=key, secret_digest=secret_digest(secret), read_all=read_all
        )
    return client, secret


#: Verified credentials of this process: (key, secret digest) → (client, verified at).
_verified: dict[tuple[str, str], tuple[LrsClient, float]] = {}


def lrs_client_verify(*, key: str, secret: str) -> LrsClient | None:
    """The active client these credentials belong to. A success is remembered for
    ``LRS_CLIENT_CACHE_SECONDS`` (a revocation reaches other processes that late)."""
    digest = secret_digest(secret)
    cached = _verified.get((key, digest))
    if cached is not None and time.monotonic() - cached[1] < settings.LRS_CLIENT_CACHE_SECONDS:
        return cached[0]
    client = LrsClient.objects.filter(key=key, is_active=True).first()
    if client is None or not hmac.compare_digest(client.secret_digest, digest):
        _verified.pop((key, digest), None)
        return None
    if len(_verified) > 10_000:
        _verified.clear()
    _verified[(key, digest)] = (client, time.monotonic())
    return client


def lrs_client_revoke(*, key: str) -> bool:
    """Switch a client off (at once in this process; after the cache time elsewhere)."""
    with transaction.atomic(using="learning"):
        updated = LrsClient.objects.filter(key=key).update(is_active=False)
    for cached in [k for k in _verified if k[0] == key]:
        _verified.pop(cached, None)
    return bool(updated)
