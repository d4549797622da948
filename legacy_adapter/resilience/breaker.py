"""A circuit breaker with a sliding failure-rate window, slow-call detection and
half-open probes.

Written here rather than taken from a library: the maintained Python breakers
(``pybreaker``, ``purgatory``, ``circuitbreaker``) count *consecutive* failures and
open after N in a row. None keeps a sliding window of outcomes with a failure *rate*
and a slow-call rate over a minimum number of calls, or limits half-open probes —
which is what lets a breaker ignore one bad call among hundreds yet open on a
degrading dependency. The rules follow resilience4j's count-based breaker.

Thread-safe (one lock); per process, which is what a pre-forking server needs: each
worker judges the dependency from its own calls. The clock is injectable for tests.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from prometheus_client import Gauge

BREAKER_STATE = Gauge(
    "circuit_breaker_state",
    "0 closed, 1 half-open, 2 open.",
    ["client"],
    multiprocess_mode="livemax",
)


class State(IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class BreakerOpen(Exception):
    """The breaker refused the call without trying it."""

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; retry in {retry_after:.1f}s")
        self.name, self.retry_after = name, retry_after


@dataclass(frozen=True)
class BreakerPolicy:
    window_size: int = 20
    minimum_calls: int = 10
    failure_rate: float = 0.5
    slow_call_seconds: float = 1.0
    slow_call_rate: float = 0.8
    open_seconds: float = 10.0
    half_open_probes: int = 2


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        policy: BreakerPolicy = BreakerPolicy(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name, self.policy, self.clock = name, policy, clock
        self._lock = threading.Lock()
        self._window: deque[tuple[bool, bool]] = deque(maxlen=policy.window_size)
        self._state = State.CLOSED
        self._opened_at = 0.0
        self._probes_out = 0
        self._probes_ok = 0
        BREAKER_STATE.labels(name).set(State.CLOSED)

    @property
    def state(self) -> State:
        with self._lock:
            self._advance()
            return self._state

    def acquire(self) -> None:
        """Ask to make a call; raises ``BreakerOpen`` when refused."""
        with self._lock:
            self._advance()
            if self._state is State.OPEN:
                wait = self._opened_at + self.policy.open_seconds - self.clock()
                raise BreakerOpen(self.name, max(wait, 0.0))
            if self._state is State.HALF_OPEN:
                if self._probes_out + self._probes_ok >= self.policy.half_open_probes:
                    raise BreakerOpen(self.name, 0.0)
                self._probes_out += 1

    def record(self, *, ok: bool, seconds: float) -> None:
        """The outcome of a call ``acquire`` allowed."""
        slow = seconds >= self.policy.slow_call_seconds
        with self._lock:
            if self._state is State.HALF_OPEN:
                self._probes_out = max(self._probes_out - 1, 0)
                if not ok or slow:
                    self._trip()
                else:
                    self._probes_ok += 1
                    if self._probes_ok >= self.policy.half_open_probes:
                        self._set(State.CLOSED)
                        self._window.clear()
                return
            if self._state is State.OPEN:
                return  # a call started before the breaker opened
            self._window.append((ok, slow))
            if self._should_open():
                self._trip()

    def _should_open(self) -> bool:
        calls = len(self._window)
        if calls < self.policy.minimum_calls:
            return False
        failures = sum(1 for ok, _ in self._window if not ok)
        slow = sum(1 for _, is_slow in self._window if is_slow)
        return (
            failures / calls >= self.policy.failure_rate
            or slow / calls >= self.policy.slow_call_rate
        )

    def _trip(self) -> None:
        self._opened_at = self.clock()
        self._set(State.OPEN)

    def _advance(self) -> None:
        if self._state is State.OPEN and self.clock() - self._opened_at >= self.policy.open_seconds:
            self._set(State.HALF_OPEN)

    def _set(self, state: State) -> None:
        self._state = state
        self._probes_out = self._probes_ok = 0
        BREAKER_STATE.labels(self.name).set(state)
