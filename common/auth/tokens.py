"""Verifying an access token locally: signature by a published key, then the claims.

The algorithm list is fixed by configuration (``AUTH_ALGORITHMS``, EdDSA), never taken
from the token, so ``alg: none`` and an HMAC token "signed" with the public key are
refused before any key is used. Expiry is checked against an injectable clock.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any
from uuid import UUID

import jwt
from django.conf import settings

from common.auth.jwks import JwksCache, JwksUnavailable

REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")


class InvalidToken(Exception):
    """The token is not one this service accepts; the message says why."""


def access_token_verify(
    token: str,
    *,
    audiences: Collection[str],
    jwks: JwksCache,
    now: float | None = None,
) -> dict[str, Any]:
    """The token's claims, if it is signed by a published key, meant for one of
    ``audiences``, issued by this platform's identity and not expired."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("The token is malformed.") from exc
    if header.get("alg") not in settings.AUTH_ALGORITHMS:
        raise InvalidToken(f"Tokens signed with {header.get('alg')!r} are not accepted.")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidToken("The token names no signing key (kid).")
    try:
        key = jwks.key(kid)
    except JwksUnavailable as exc:
        raise InvalidToken("The signing keys are not available; try again shortly.") from exc
    if key is None:
        raise InvalidToken("The token's signing key is unknown or retired.")
    leeway = settings.AUTH_CLOCK_LEEWAY_SECONDS
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=list(settings.AUTH_ALGORITHMS),
            audience=list(audiences),
            issuer=settings.AUTH_ISSUER,
            options={
                "require": list(REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"The token is invalid: {exc}") from exc
    current = time.time() if now is None else now
    if not isinstance(claims["exp"], int | float) or claims["exp"] <= current - leeway:
        raise InvalidToken("The token has expired.")
    if not isinstance(claims["iat"], int | float) or claims["iat"] > current + leeway:
        raise InvalidToken("The token was issued in the future.")
    nbf = claims.get("nbf", claims["iat"])
    if not isinstance(nbf, int | float) or isinstance(nbf, bool):
        raise InvalidToken("The token's nbf is not a number.")
    if nbf > current + leeway:
        raise InvalidToken("The token is not valid yet.")
    # A key that signs never issues long-lived tokens; one that claims to is refused.
    if claims["exp"] - claims["iat"] > settings.AUTH_MAX_TOKEN_SECONDS:
        raise InvalidToken("The token's lifetime exceeds the platform's maximum.")
    try:
        UUID(claims["sub"])
    except (TypeError, ValueError, AttributeError):
        raise InvalidToken("The token's subject is not a platform id.") from None
    return claims
