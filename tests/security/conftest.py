"""Fixtures for the security tests: members with roles, their tokens, clean limits.

Each test starts with empty rate-limit counters (the Redis-backed cache), a fresh
JWKS cache and, where it records role changes, an empty identity event store.
"""

import copy
import os
from uuid import uuid4

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from domains.identity.audit import IdentityAudit
from domains.identity.models import RoleAssignment, User
from domains.identity.services.tokens import member_access_token
from eventing.eventstore import get_application


def limits_forget(prefix: str) -> None:
    """Delete this worker's rate-limit and lock-out counters, and nothing else: the
    same Redis database holds the event bus's streams and the other xdist worker's
    counters."""
    if not settings.REDIS_URL:
        caches["ratelimit"].clear()
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture(autouse=True)
def _fresh_limits_and_keys(settings):
    """Counters of this test worker only, empty at the start (the root conftest resets
    the JWKS cache)."""
    prefix = f"ratelimit-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    configured = copy.deepcopy(settings.CACHES)
    configured["ratelimit"]["KEY_PREFIX"] = prefix
    settings.CACHES = configured
    limits_forget(prefix)
    yield
    limits_forget(prefix)


@pytest.fixture
def audit() -> IdentityAudit:
    """Identity's event store, emptied (of what tests that commit left behind)."""
    app = get_application(IdentityAudit)

    def empty():
        with connections[app.database_alias].cursor() as cursor:
            for table in (f"{app.name.lower()}_events", f"{app.name.lower()}_snapshots"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    empty()
    yield app
    empty()


def member(*roles: str, password: str | None = None, **fields) -> User:
    user = User.objects.create_user(f"{uuid4().hex[:12]}@example.org", password, **fields)
    for role in roles:
        RoleAssignment.objects.create(user=user, role_id=role, granted_at=timezone.now())
    return user


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {member_access_token(user=user)}"}
