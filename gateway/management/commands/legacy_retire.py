"""``manage.py legacy_retire <capability> --reason "..."``: delete a capability's legacy
side from the platform in one audited change — its routes retired, its port on the new
side, its sync sinks gone — once the "ready to delete" gate is open (``legacy_usage``).
"""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from gateway.legacy_elimination import capability_retire, legacy_paths
from gateway.services import ChangeRefused
from legacy_adapter.capabilities import CAPABILITIES


class Command(BaseCommand):
    help = "Retire a capability's legacy side (routes, port, sync) once the gate is open."

    def add_arguments(self, parser) -> None:
        parser.add_argument("capability", choices=sorted(CAPABILITIES))
        parser.add_argument("--reason", required=True)
        parser.add_argument("--actor")

    def handle(self, *args, capability: str, reason: str, **options) -> None:
        actor = options.get("actor") or f"cli:{getpass.getuser()}"
        try:
            capability_retire(name=capability, actor=actor, reason=reason)
        except ChangeRefused as exc:
            raise CommandError(str(exc)) from exc
        left = legacy_paths(capability)
        if left:  # cannot happen unless the code regressed; say so loudly
            raise CommandError(f"{capability} retired but still reaches legacy: {'; '.join(left)}")
        self.stdout.write(f"{capability}: retired (routes 410, port on new code, no sync)")
