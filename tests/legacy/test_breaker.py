"""The circuit breaker on its own, with a fake clock."""

import pytest

from legacy_adapter.resilience.breaker import BreakerOpen, BreakerPolicy, CircuitBreaker, State


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


POLICY = BreakerPolicy(
    window_size=10, minimum_calls=5, failure_rate=0.5, slow_call_seconds=1.0,
    slow_call_rate=0.6, open_seconds=10, half_open_probes=2,
)  # fmt: skip


def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("test", POLICY, clock=clock)


def calls(b: CircuitBreaker, *outcomes: bool, seconds: float = 0.01) -> None:
    for ok in outcomes:
        b.acquire()
        b.record(ok=ok, seconds=seconds)


def test_one_failure_among_many_successes_keeps_it_closed():
    b = breaker(Clock())
    calls(b, *[True] * 8, False, True)
    assert b.state is State.CLOSED


def test_failure_rate_over_the_window_opens_it_and_it_refuses_at_once():
    b = breaker(Clock())
    calls(b, True, False, True, False)  # below the minimum number of calls
    assert b.state is State.CLOSED
    calls(b, False)
    assert b.state is State.OPEN
    with pytest.raises(BreakerOpen) as refused:
        b.acquire()
    assert refused.value.retry_after == pytest.approx(10)


def test_the_window_forgets_old_successes():
    b = breaker(Clock())
    calls(b, *[True] * 20, False, False, False, False)
    assert b.state is State.CLOSED  # 4 of the last 10
    calls(b, False)
    assert b.state is State.OPEN  # 5 of the last 10, though 5 of 25 overall


def test_slow_calls_open_it_even_when_they_succeed():
    b = breaker(Clock())
    for _ in range(5):
        b.acquire()
        b.record(ok=True, seconds=1.5)
    assert b.state is State.OPEN


def test_half_open_allows_a_few_probes_and_closes_when_they_succeed():
    clock = Clock()
    b = breaker(clock)
    calls(b, *[False] * 5)
    clock.now += 10
    assert b.state is State.HALF_OPEN
    b.acquire()
    b.acquire()
    with pytest.raises(BreakerOpen):
        b.acquire()  # only two probes at a time
    b.record(ok=True, seconds=0.01)
    b.record(ok=True, seconds=0.01)
    assert b.state is State.CLOSED


def test_a_failed_probe_opens_it_again_for_a_full_period():
    clock = Clock()
    b = breaker(clock)
    calls(b, *[False] * 5)
    clock.now += 10
    calls(b, False)
    assert b.state is State.OPEN
    clock.now += 9
    assert b.state is State.OPEN
