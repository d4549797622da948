"""DRF authentication by API key (``Authorization: ApiKey lcp_...`` or ``X-API-Key``).

Only processes serving identity can check a key (the digests live here); clients of
other parts exchange the key for a short-lived access token at
``/api/v1/identity/auth/api-key-token``.
"""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from common.auth.principal import Principal
from domains.identity.services.api_keys import ApiKeyRefused, api_key_authenticate


def api_key_from(request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) == 2 and parts[0].lower() == b"apikey":
        return parts[1].decode("latin-1")
    return request.META.get("HTTP_X_API_KEY") or None


def api_key_principal(plain: str) -> Principal:
    try:
        key, scopes = api_key_authenticate(plain=plain)
    except ApiKeyRefused as exc:
        raise AuthenticationFailed(str(exc)) from exc
    return Principal(
        id=key.user_id, kind="api_key", scopes=scopes, claims={"api_key_id": str(key.id)}
    )


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        plain = api_key_from(request)
        if plain is None:
            return None
        principal = api_key_principal(plain)
        return principal, principal.claims


# Registers the OpenAPI description of this scheme with drf-spectacular.
from domains.identity import schema as _schema  # noqa: E402, F401
