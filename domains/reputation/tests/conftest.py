"""Reputation test helpers: an empty event store per test, members as token principals."""

from uuid import uuid4

from rest_framework.test import APIClient

from common.auth.principal import Principal
from tests.eventstore.fixtures import ledger_app

__all__ = ["ledger_app"]


def client_with(*scopes: str, member_id=None) -> APIClient:
    client = APIClient()
    client.force_authenticate(
        Principal(id=member_id or uuid4(), kind="member", scopes=frozenset(scopes))
    )
    return client
