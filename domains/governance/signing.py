"""The decision register's Ed25519 key: it signs every tree head.

From ``GOVERNANCE_REGISTER_KEY_SEED`` when set; otherwise derived from ``SECRET_KEY``
(HKDF-SHA256, a label of its own) so that a development run signs consistently
across restarts. The key id is the SHA-256 of the raw public key, in hex.
"""

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from common.ed25519 import ed25519_key


def register_key() -> Ed25519PrivateKey:
    return ed25519_key(
        seed_hex=settings.GOVERNANCE_REGISTER_KEY_SEED,
        secret=settings.SECRET_KEY,
        info=b"governance-register-v1",
    )


def public_key_raw() -> bytes:
    return (
        register_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def key_id() -> str:
    return hashlib.sha256(public_key_raw()).hexdigest()
