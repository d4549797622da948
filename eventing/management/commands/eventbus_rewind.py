"""``manage.py eventbus_rewind --alias A --since TIME``: after restoring database ``A``
from a backup taken at TIME, make the consumer groups that write into it read again
from that time (``eventing.rewind.groups_rewind``; docs/runbooks/disaster-recovery.md)."""

from django.core.management import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from common.databases import served_aliases
from eventing.rewind import groups_rewind
from eventing.streams import redis_client


def parse_since(value: str):
    moment = parse_datetime(value)
    if moment is None or moment.tzinfo is None:
        raise CommandError(f"--since must be an ISO 8601 time with a zone, got {value!r}.")
    return moment


class Command(BaseCommand):
    help = "Rewind the consumer groups writing into a restored database to the backup's time."

    def add_arguments(self, parser):
        parser.add_argument("--alias", required=True, help="The restored database's alias.")
        parser.add_argument("--since", required=True, help="The backup's time (ISO 8601).")

    def handle(self, *args, alias: str, since: str, **options):
        if alias not in served_aliases():
            raise CommandError(f"{alias!r} is not a database of this process.")
        rewound = groups_rewind(redis_client(), alias=alias, since=parse_since(since))
        for row in rewound:
            self.stdout.write(f"{row.group} on {row.stream}: {row.from_id} -> {row.to_id}")
        self.stdout.write(self.style.SUCCESS(f"{len(rewound)} group position(s) rewound"))
