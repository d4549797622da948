"""The one source of "now" for services: ``clock.now()``.

Services read the time here (never ``timezone.now()`` directly, never a module-level
``clock`` of their own), so a test or the demo loader sets it once for every domain:
``clock.set_source(fake)`` (tests use ``SettableClock`` through the ``clock`` fixture).
Views pass nothing: "now" is the service's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

_source: Callable[[], datetime] = timezone.now


def now() -> datetime:
    """The current time (aware, UTC), from the clock in force."""
    return _source()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Read the time from ``source`` from now on (``None``: the real clock again)."""
    global _source
    _source = source or timezone.now


@contextmanager
def set_to(moment: datetime) -> Iterator[None]:
    """Within the block, "now" is ``moment`` (the demo backdates history this way)."""
    saved = _source
    set_source(lambda: moment)
    try:
        yield
    finally:
        set_source(saved)


class SettableClock:
    """A clock that stands still until told to move (for tests)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
