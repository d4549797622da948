"""Signing-key material: Ed25519 key pairs, their public JWKs, and encryption at rest.

Private keys are stored encrypted with AES-256-GCM under a key derived (HKDF-SHA256)
from ``IDENTITY_KEY_ENCRYPTION_SECRET``, or from ``SECRET_KEY`` when that is unset, so a
copy of the identity database alone does not let anyone mint tokens. The ``kid`` is
bound into the ciphertext as associated data: a private key moved to another row does
not decrypt. Changing the secret makes existing keys unusable: rotate keys after it.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from jwt.algorithms import OKPAlgorithm

_NONCE_BYTES = 12


def _encryption_key() -> bytes:
    secret = settings.IDENTITY_KEY_ENCRYPTION_SECRET or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"identity-signing-keys-v1"
    ).derive(secret.encode())


def key_pair_generate() -> tuple[Ed25519PrivateKey, dict]:
    """A new private key and its public JWK (without ``kid``)."""
    private = Ed25519PrivateKey.generate()
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return private, {**jwk, "use": "sig", "alg": "EdDSA"}


def private_key_encrypt(*, private: Ed25519PrivateKey, kid: str) -> bytes:
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_encryption_key()).encrypt(nonce, raw, kid.encode())


@lru_cache(maxsize=8)
def private_key_decrypt(*, encrypted: bytes, kid: str) -> Ed25519PrivateKey:
    """Decrypted once per process and key: signing must not pay for AES and HKDF."""
    nonce, ciphertext = encrypted[:_NONCE_BYTES], encrypted[_NONCE_BYTES:]
    raw = AESGCM(_encryption_key()).decrypt(nonce, ciphertext, kid.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)
