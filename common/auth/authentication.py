"""DRF authentication by ``Authorization: Bearer <access JWT>``, verified locally.

A member's token is meant for the whole platform (``aud`` = ``AUTH_AUDIENCE``); a
service's token names the one service it is for (``aud`` = that part's name, e.g.
``learning``), and is accepted only by that part's endpoints. Because this class
answers ``authenticate_header``, DRF replies 401 with ``WWW-Authenticate: Bearer``
(not 403) to a request without credentials.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from common.auth.denylist import UNSAFE, subject_denied
from common.auth.jwks import jwks_cache
from common.auth.principal import Principal
from common.auth.tokens import InvalidToken, access_token_verify


def accepted_audiences(request) -> tuple[str, ...]:
    """The member audience and, for a part's endpoint, that part's service audience."""
    match = getattr(request, "resolver_match", None)
    part = match.app_name if match is not None else ""
    return (settings.AUTH_AUDIENCE, part) if part else (settings.AUTH_AUDIENCE,)


def _subject(sub: str) -> UUID | str:
    """Members, API keys and service clients are identified by UUIDs; keep them typed
    so a view can pass ``request.user.id`` wherever a member id is expected."""
    try:
        return UUID(sub)
    except (TypeError, ValueError, AttributeError):
        return sub


def principal_from_claims(claims: dict) -> Principal:
    return Principal(
        id=_subject(claims["sub"]),
        kind=claims.get("kind", "member"),
        roles=frozenset(claims.get("roles", ())),
        scopes=frozenset(claims.get("scopes", ())),
        claims=claims,
    )


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def audiences(self, request) -> tuple[str, ...]:
        """The ``aud`` values this endpoint accepts (subclasses may widen them)."""
        return accepted_audiences(request._request)

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the access token as 'Authorization: Bearer <token>'.")
        try:
            claims = access_token_verify(
                parts[1].decode("latin-1"),
                audiences=self.audiences(request),
                jwks=jwks_cache(),
            )
        except InvalidToken as exc:
            raise AuthenticationFailed(str(exc)) from exc
        if request.method in UNSAFE and subject_denied(str(claims["sub"])):
            raise AuthenticationFailed("This account is deactivated.")
        return principal_from_claims(claims), claims

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{settings.AUTH_REALM}"'


# Registers the OpenAPI description of this scheme with drf-spectacular.
from common.auth import schema as _schema  # noqa: E402, F401
