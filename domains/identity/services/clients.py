"""Service clients: registration, client-credentials tokens, secret rotation.

A rotation makes a new secret current and gives the previous one
``AUTH_SERVICE_SECRET_OVERLAP_HOURS`` more: both work while the service rolls out the
new secret, then the old one stops. Older secrets are deleted, so at most two are
ever valid.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.refusals import Invalid, Unauthenticated
from domains.identity.apps import ALIAS
from domains.identity.models import ServiceClient, ServiceClientSecret
from domains.identity.services.credentials import secret_digest, secret_new
from domains.identity.services.tokens import TokenPair, access_token_issue


class ClientRefused(Unauthenticated):
    """Unknown client, wrong secret, or an inactive client."""


class AudienceRefused(Invalid):
    """The client may not obtain tokens for that service."""

    field = "audience"


def _secret_add(*, client: ServiceClient, now: datetime) -> str:
    secret = f"cs_{secret_new()}"
    ServiceClientSecret.objects.create(
        client=client, secret_hash=secret_digest(secret), created_at=now
    )
    return secret


def service_client_create(
    *, name: str, audiences: list[str], scopes: list[str], now: datetime | None = None
) -> tuple[ServiceClient, str]:
    """The client and its first secret (shown once)."""
    now = now or timezone.now()
    with transaction.atomic(using=ALIAS):
        client = ServiceClient.objects.create(
            name=name, audiences=audiences, scopes=scopes, created_at=now
        )
        return client, _secret_add(client=client, now=now)


def service_client_secret_rotate(*, client: ServiceClient, now: datetime | None = None) -> str:
    """A new current secret (shown once); the previous one works for the overlap."""
    now = now or timezone.now()
    overlap = timedelta(hours=settings.AUTH_SERVICE_SECRET_OVERLAP_HOURS)
    with transaction.atomic(using=ALIAS):
        ServiceClient.objects.select_for_update().get(pk=client.pk)
        client.secrets.exclude(expires_at__isnull=True).delete()
        client.secrets.filter(expires_at__isnull=True).update(expires_at=now + overlap)
        return _secret_add(client=client, now=now)


def client_credentials_token(
    *,
    client_id: str,
    client_secret: str,
    audience: str,
    scopes: list[str] | None = None,
    now: datetime | None = None,
) -> TokenPair:
    """An access token for ``audience`` with the client's scopes (or the requested subset)."""
    now = now or timezone.now()
    secret = (
        ServiceClientSecret.objects.select_related("client")
        .filter(secret_hash=secret_digest(client_secret), client__name=client_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if secret is None or not secret.client.is_active:
        raise ClientRefused("The client id or secret is wrong.")
    client = secret.client
    if audience not in client.audiences:
        raise AudienceRefused(f"This client may not obtain tokens for {audience!r}.")
    granted = set(client.scopes) if scopes is None else set(scopes) & set(client.scopes)
    return TokenPair(
        access_token=access_token_issue(
            subject=str(client.id),
            audience=audience,
            kind="service",
            scopes=frozenset(granted),
            lifetime=settings.AUTH_SERVICE_TOKEN_SECONDS,
            extra={"client_id": client.name},
            now=now,
        ),
        expires_in=settings.AUTH_SERVICE_TOKEN_SECONDS,
    )
