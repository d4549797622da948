"""``manage.py eventbus_republish --since TIME [--alias A ...]``: after Redis lost its
data, have the relay send again what it published since TIME
(``eventing.rewind.outbox_republish``; docs/runbooks/disaster-recovery.md)."""

from django.core.management import BaseCommand, CommandError

from common.databases import served_aliases
from eventing.management.commands.eventbus_rewind import parse_since
from eventing.rewind import outbox_republish


class Command(BaseCommand):
    help = "Mark what was published since a time as unpublished, so the relay sends it again."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="When Redis's data begins to be lost.")
        parser.add_argument("--alias", action="append", help="Only these databases (repeatable).")

    def handle(self, *args, since: str, alias=None, **options):
        aliases = alias or list(served_aliases())
        unknown = sorted(set(aliases) - set(served_aliases()))
        if unknown:
            raise CommandError(f"Not databases of this process: {unknown}")
        moment = parse_since(since)
        total = 0
        for name in aliases:
            for row in outbox_republish(alias=name, since=moment):
                total += row.events
                self.stdout.write(f"{row.source}: {row.events} to publish again")
        self.stdout.write(self.style.SUCCESS(f"{total} event(s) will be published again"))
