"""Who may call the LRS: LRS clients over HTTP Basic, or the platform's bearer tokens.

Either way ``request.user`` is a ``Principal`` whose claims carry the xAPI
``authority`` the LRS records on every statement it stores, and whether the caller
may read every statement or only those it wrote ("statements/read/mine").
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from common.auth.authentication import BearerTokenAuthentication
from common.auth.principal import Principal
from domains.learning.authority import lrs_account
from domains.learning.services.clients import lrs_client_verify

WRITE = "statement.write"


class LrsBasicAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        try:
            key, _, secret = base64.b64decode(parts[1], validate=True).decode().partition(":")
        except (IndexError, binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationFailed("Malformed Basic credentials.") from exc
        client = lrs_client_verify(key=key, secret=secret)
        if client is None:
            raise AuthenticationFailed("Unknown or revoked LRS client credentials.")
        principal = Principal(
            id=client.id,
            kind="lrs_client",
            scopes=frozenset({WRITE}),
            claims={
                "authority": lrs_account("clients", client.key, client.name),
                "read_all": client.read_all,
            },
        )
        return principal, None

    def authenticate_header(self, request) -> str:
        return f'Basic realm="{settings.AUTH_REALM} LRS"'


class XapiBearerAuthentication(BearerTokenAuthentication):
    """Members' tokens, and service tokens issued for the learning part."""

    def audiences(self, request) -> tuple[str, ...]:
        # The xAPI URLs live outside /api/v1/learning/, so name the part explicitly.
        return (settings.AUTH_AUDIENCE, "learning")

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is None:
            return None
        base, claims = authenticated
        kind = "services" if base.kind == "service" else "members"
        principal = Principal(
            id=base.id,
            kind=base.kind,
            roles=base.roles,
            scopes=base.scopes,
            claims={
                **claims,
                "authority": lrs_account(kind, str(base.id)),
                "read_all": base.kind == "service",
            },
        )
        return principal, claims
