"""Rate limits per caller and endpoint (429 + Retry-After), and the login lock-out."""

import os
from uuid import uuid4

import pytest
from django.core.cache import caches

from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

ME = "/api/v1/identity/me"
LOGIN = "/api/v1/identity/auth/login"


def test_the_client_over_the_limit_gets_429_and_another_client_does_not(client, settings):
    # Per hour, not per minute: the limiter's windows are fixed, and four requests on a
    # loaded machine can straddle a minute's boundary (the fourth then starts afresh).
    settings.RATELIMIT_ROUTE_RATES = {"identity:me": "3/h"}
    greedy, other = member(), member()
    statuses = [client.get(ME, **bearer(greedy)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(ME, **bearer(greedy))
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["type"] == "/problems/rate-limited"
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert client.get(ME, **bearer(other)).status_code == 200
    # The limit is per endpoint: the same client may still use another one.
    assert client.get(f"/api/v1/identity/users/{greedy.id}", **bearer(greedy)).status_code == 200


def login(client, email, password, ip="10.0.0.1"):
    return client.post(
        LOGIN, {"email": email, "password": password},
        content_type="application/json", REMOTE_ADDR=ip,
    )  # fmt: skip


def test_login_has_a_stricter_per_address_limit(client, settings):
    settings.RATELIMIT_ROUTE_RATES = {"identity:login": "2/h"}
    statuses = [login(client, "nobody@example.org", "x").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert login(client, "nobody@example.org", "x", ip="10.0.0.2").status_code == 401


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    password = "the-right-password-123"
    victim, bystander = member(password=password), member(password=password)
    for n in range(3):
        assert login(client, victim.email, "guess", ip=f"10.1.0.{n}").status_code == 401
    locked = login(client, victim.email, password, ip="10.2.0.1")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 60
    assert "locked" in locked.json()["detail"]
    assert login(client, bystander.email, password, ip="10.2.0.1").status_code == 200


def test_workers_forked_after_the_first_request_share_the_counters():
    """Pre-forked servers: a worker forked after the parent used the cache still counts
    into the same Redis key (the client kept per pool reconnects after the fork)."""
    cache = caches["ratelimit"]
    key = f"fork-test-{uuid4()}"
    cache.add(key, 0, 60)
    assert cache._cache.get_client() is cache._cache.get_client()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            for _ in range(3):
                cache.incr(key)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert cache.incr(key) == 4
