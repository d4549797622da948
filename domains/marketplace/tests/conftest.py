"""Marketplace test helpers: members as token principals, a bookable space, times.

Members are ``Principal``s (what a verified token yields), so these tests need no
identity database; spaces, credentials and bookings are real rows in the marketplace
database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from rest_framework.test import APIClient

from common.auth.principal import Principal
from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space, SpaceCredential

ALIAS = "marketplace"
PROBLEM = "application/problem+json"
EVERY_DAY_8_TO_20 = {
    day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
LEARNER = frozenset({"booking.create", "rating.give", "rating.read"})


def principal(*scopes: str) -> Principal:
    return Principal(id=uuid4(), kind="member", scopes=LEARNER | frozenset(scopes))


def client_for(who: Principal) -> APIClient:
    client = APIClient()
    client.force_authenticate(who)
    return client


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def bookable_space(*, now: datetime | None = None, credential_days: int = 365, **fields) -> Space:
    """A listed space open 08:00-20:00 UTC with a verified credential."""
    now = now or datetime.now(UTC)
    defaults = {
        "owner_id": uuid4(),
        "name": "Room",
        "location": "Lyon, FR",
        "capacity": 6,
        "opening_hours": EVERY_DAY_8_TO_20,
        "status": SpaceStatus.LISTED,
    }
    space = Space.objects.using(ALIAS).create(**{**defaults, **fields})
    SpaceCredential.objects.using(ALIAS).create(
        space=space,
        kind="insurance",
        issuer="Mutual",
        reference="POL-1",
        expires_at=now + timedelta(days=credential_days),
        status=CredentialStatus.VERIFIED,
        submitted_at=now - timedelta(days=1),
    )
    return space


@pytest.fixture
def member():
    return principal()
