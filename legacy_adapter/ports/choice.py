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
    return settings.LEGACY_PORTS.get(capability, LEGACY) == NEW
