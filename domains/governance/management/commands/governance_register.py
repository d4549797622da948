"""``manage.py governance_register sync|verify|head``: the decision register's upkeep.

- ``sync`` appends the votes and decisions recorded since the last append (services
  do this after each write; this catches up after a failure).
- ``verify`` rebuilds the register from the proposals' events and its signatures and
  reports every entry or node that was changed, removed or added behind its back;
  exit status 1 when anything is wrong (schedule it, alert on it).
- ``head`` prints the latest signed tree head and the public key to pin.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from domains.governance.projections import RegisterProjection
from domains.governance.register import NotInRegister, public_key, register_verify, tree_head
from eventing.projections import projection_catch_up


class Command(BaseCommand):
    help = "Sync, verify or show the governance decision register."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "verify", "head"])

    def handle(self, *args, action, **options):
        if action == "sync":
            applied = projection_catch_up(projection=RegisterProjection())
            self.stdout.write(f"register: {applied} events read")
        elif action == "head":
            try:
                head = tree_head()
            except NotInRegister as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps({"tree_head": head, "public_key": public_key()}, indent=2))
        else:
            problems = register_verify()
            for problem in problems:
                self.stdout.write(f"TAMPERED {problem}")
            if problems:
                raise CommandError(
                    f"the decision register fails verification ({len(problems)} problems)"
                )
            self.stdout.write(
                "register verified: every entry, node and signed head matches the events"
            )
