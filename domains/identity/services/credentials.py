"""Random credentials and their digests (refresh tokens, client secrets, API keys).

They are 256-bit random values, so a fast digest is as safe as a slow one: nobody can
guess a preimage, and a lookup by digest needs an equality index, not a scan.
"""

import hashlib
import secrets


def secret_new() -> str:
    return secrets.token_urlsafe(32)


def secret_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
