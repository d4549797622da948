"""Which implementation of a port runs: ``LEGACY_PORTS[capability]``, read at each call.

Read at call time (not import time), so a settings override — or a process restarted
with another ``LEGACY_PORTS`` — switches the capability without code changes. Start-up
already refused values other than ``legacy``/``new`` (``config/settings/gateway.py``);
a capability missing from the setting runs on legacy, the side that holds the data
until the migration is done.
"""

from __future__ import annotations

from django.conf import settings

LEGACY, NEW = "legacy", "new"


def uses_new(capability: str) -> bool:
    """``LEGACY_PORTS`` says so, or the capability is retired (``legacy_retire``): its
    legacy side is gone whatever the setting says."""
    if settings.LEGACY_PORTS.get(capability, LEGACY) == NEW:
        return True
    return is_retired(capability)


_retired: dict[str, object] = {"names": frozenset(), "read": float("-inf")}


def is_retired(capability: str) -> bool:
    """Whether ``legacy_retire`` removed this capability's legacy side. The table is
    read at most every ``GATEWAY_FLAGS_TTL_SECONDS`` per process (as the route table);
    a process without ``default`` has no legacy side to retire, and a failed read keeps
    the last known set rather than failing the port call."""
    import logging
    import time

    from django.db import connections

    now = time.monotonic()
    if now - _retired["read"] >= settings.GATEWAY_FLAGS_TTL_SECONDS:
        _retired["read"] = now
        if connections["default"].vendor != "dummy":
            from legacy_adapter.models import RetiredCapability

            try:
                names = RetiredCapability.objects.values_list("name", flat=True)
                _retired["names"] = frozenset(names)
            except Exception:  # keep the last known set; say so
                logging.getLogger(__name__).warning("retired capabilities unread", exc_info=True)
    return capability in _retired["names"]


def forget_retired() -> None:
    """Read the retirement table again on the next call (tests, after a retirement)."""
    _retired["read"] = float("-inf")
    _retired["names"] = frozenset()
