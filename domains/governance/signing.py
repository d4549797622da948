"""The decision register's Ed25519 key: it signs every tree head.

From ``GOVERNANCE_REGISTER_KEY_SEED`` when set; otherwise derived from ``SECRET_KEY``
(HKDF-SHA256, a label of its own) so that a development run signs consistently
across restarts. The key id is the SHA-256 of the raw public key, in hex.
"""

import hashlib
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@lru_cache(maxsize=4)
def _key(seed_hex: str, secret: str) -> Ed25519PrivateKey:
    if seed_hex:
        seed = bytes.fromhex(seed_hex)
    else:
        seed = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"governance-register-v1"
        ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def register_key() -> Ed25519PrivateKey:
    return _key(settings.GOVERNANCE_REGISTER_KEY_SEED, settings.SECRET_KEY)


def public_key_raw() -> bytes:
    return (
        register_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def key_id() -> str:
    return hashlib.sha256(public_key_raw()).hexdigest()
