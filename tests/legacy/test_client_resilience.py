"""The legacy client against the real reference service made slow, then failing.

Timeouts fire, retries stay within their attempt and time budget, the breaker opens
and calls then fail fast without reaching the service, and it closes after recovery.
"""

import time

import pytest

from legacy_adapter.client import ClientConfig, LegacyClient, LegacyUnavailable
from legacy_adapter.resilience.breaker import BreakerPolicy, State

POLICY = BreakerPolicy(
    window_size=6, minimum_calls=4, failure_rate=0.5, slow_call_seconds=0.15, open_seconds=0.5,
    half_open_probes=1,
)  # fmt: skip


def client(legacy, **overrides) -> LegacyClient:
    config = {
        "base_url": legacy.base_url, "connect_timeout": 0.2, "read_timeout": 0.2,
        "retry_attempts": 3, "retry_budget_seconds": 1.0, "backoff_base_seconds": 0.01,
        "backoff_max_seconds": 0.05, "breaker": POLICY, **overrides,
    }  # fmt: skip
    return LegacyClient(ClientConfig(**config))


def test_a_slow_legacy_times_out_and_retries_stay_within_budget(calm_legacy):
    calm_legacy.control(delay_ms=600)
    c = client(calm_legacy)
    started = time.monotonic()
    with pytest.raises(LegacyUnavailable) as failed:
        c.request("GET", "/api/users/1")
    elapsed = time.monotonic() - started
    assert failed.value.reason == "timeout"
    assert c.attempts == 3
    # Three read timeouts of 0.2 s plus at most two backoffs of 0.05 s.
    assert 0.6 <= elapsed < 1.0


def test_writes_are_never_retried(calm_legacy):
    calm_legacy.control(fail_status=503)
    c = client(calm_legacy)
    answer = c.request("POST", "/api/ratings", json_body={"from_user": 1, "to_user": 2, "stars": 5})
    assert answer.status == 503 and c.attempts == 1
    assert calm_legacy.control()["requests"] == 1


def test_failing_legacy_opens_the_breaker_then_calls_fail_fast_and_it_recovers(calm_legacy):
    calm_legacy.control(fail_status=500)
    c = client(calm_legacy, retry_attempts=1)
    for _ in range(4):
        assert c.request("GET", "/api/spaces").status == 500
    assert c.breaker.state is State.OPEN
    reached = calm_legacy.control()["requests"]

    started = time.monotonic()
    with pytest.raises(LegacyUnavailable) as refused:
        c.request("GET", "/api/spaces")
    assert refused.value.reason == "breaker-open"
    # Refused at once: well inside one read timeout (0.2 s), which any call would risk.
    assert time.monotonic() - started < 0.2
    assert calm_legacy.control()["requests"] == reached  # the service was not called

    calm_legacy.control(fail_status=None)
    time.sleep(0.55)  # the open period passes; one probe is let through
    assert c.request("GET", "/api/spaces").status == 200
    assert c.breaker.state is State.CLOSED


def test_slow_but_successful_calls_open_the_breaker_too(calm_legacy):
    calm_legacy.control(delay_ms=170)
    c = client(calm_legacy, retry_attempts=1, read_timeout=1.0)
    for _ in range(4):
        assert c.request("GET", "/api/users/1").status == 200
    assert c.breaker.state is State.OPEN
