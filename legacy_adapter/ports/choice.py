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


def is_retired(capability: str) -> bool:
    """Whether ``legacy_retire`` removed this capability's legacy side (read each call:
    one indexed row in ``default``; a process without ``default`` has no legacy side)."""
    from django.db import connections

    if connections["default"].vendor == "dummy":
        return False
    from legacy_adapter.models import RetiredCapability

    return RetiredCapability.objects.filter(name=capability).exists()
