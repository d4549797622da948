"""``manage.py legacy_usage``: who still calls legacy, and what is ready to delete.

Calls in the last 1, 7 and 30 days per legacy endpoint and caller (``gateway``,
``port:<capability>``, ``sync:<resource>``), then the "ready to delete" gate per
capability (``--days N`` overrides ``LEGACY_RETIRE_AFTER_DAYS``) with what blocks it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gateway.legacy_elimination import legacy_paths, readiness
from legacy_adapter.capabilities import CAPABILITIES
from legacy_adapter.usage import WINDOWS, usage_report


class Command(BaseCommand):
    help = "Legacy calls per endpoint and caller (1/7/30 days) and the delete gate per capability."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, help="The gate's quiet period in days.")

    def handle(self, *args, days: int | None = None, **options) -> None:
        header = "".join(f"{f'{d}d':>8}" for d in WINDOWS)
        self.stdout.write(f"{'capability':<12}{'endpoint':<36}{'caller':<22}{header}")
        for row in usage_report():
            figures = "".join(f"{row.calls[d]:>8}" for d in WINDOWS)
            self.stdout.write(
                f"{row.capability or '?':<12}{row.endpoint:<36}{row.caller:<22}{figures}"
            )
        self.stdout.write("")
        for name in CAPABILITIES:
            gate = readiness(name, days=days)
            if gate.retired:
                left = legacy_paths(name)
                state = "retired" + (
                    f" BUT STILL REACHES LEGACY: {'; '.join(left)}" if left else ""
                )
            elif gate.ready:
                state = "ready to delete (manage.py legacy_retire " + name + ")"
            else:
                state = "not ready: " + "; ".join(gate.reasons)
            self.stdout.write(f"{name:<12}{state}")
