"""Ed25519 signing keys from configuration: one way for every domain that signs.

A key comes from its seed (64 hex characters) when one is configured; otherwise it is
derived from ``SECRET_KEY`` with HKDF-SHA256 under a label of its own (``info``), so a
development run signs consistently across restarts and two purposes never share a key.
"""

from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@lru_cache(maxsize=8)
def ed25519_key(*, seed_hex: str, secret: str, info: bytes) -> Ed25519PrivateKey:
    """The key of seed ``seed_hex``, or the one ``info`` derives from ``secret``."""
    if seed_hex:
        seed = bytes.fromhex(seed_hex)
    else:
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
            secret.encode()
        )
    return Ed25519PrivateKey.from_private_bytes(seed)
