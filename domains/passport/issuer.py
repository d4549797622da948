"""The platform's issuer: its Ed25519 key, its ids and links.

The key comes from ``PASSPORT_ISSUER_KEY_SEED``, or is derived from ``SECRET_KEY``
(HKDF-SHA256, a label of its own) for development. ``issuer_document`` is what
``/p/issuer`` publishes: the public key as a Multikey (multibase base58btc of the
Ed25519 multicodec prefix 0xed01 and the raw key).
"""

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from common.ed25519 import ed25519_key
from domains.passport.domain.vc import b58encode

STATUS_LIST_NAME = "revocation"


def issuer_key() -> Ed25519PrivateKey:
    return ed25519_key(
        seed_hex=settings.PASSPORT_ISSUER_KEY_SEED,
        secret=settings.SECRET_KEY,
        info=b"passport-issuer-v1",
    )


def public_key() -> Ed25519PublicKey:
    return issuer_key().public_key()


def public_key_hex() -> str:
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def origin() -> str:
    return settings.PASSPORT_PUBLIC_ORIGIN.rstrip("/")


def issuer_id() -> str:
    return f"{origin()}/p/issuer"


def verification_method() -> str:
    return f"{issuer_id()}#key-1"


def credential_url(credential_id) -> str:
    return f"{origin()}/p/{credential_id}"


def status_list_url() -> str:
    return f"{origin()}/p/status/{STATUS_LIST_NAME}"


def issuer_document() -> dict[str, Any]:
    multikey = "z" + b58encode(b"\xed\x01" + bytes.fromhex(public_key_hex()))
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.PASSPORT_ISSUER_NAME,
        "verificationMethod": [
            {
                "id": verification_method(),
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": multikey,
                "publicKeyHex": public_key_hex(),
            }
        ],
        "assertionMethod": [verification_method()],
    }
