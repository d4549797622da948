"""``manage.py eventbus_lag``: pending and undelivered entries per group and stream."""

from django.core.management import BaseCommand

from eventing.handlers import REGISTRY
from eventing.lag import group_lag
from eventing.streams import redis_client


class Command(BaseCommand):
    help = "Show each consumer group's lag: pending, undelivered, last delivered vs stream end."

    def handle(self, *args, **options):
        streams = {group: REGISTRY.streams_for(group) for group in REGISTRY.groups()}
        rows = group_lag(redis_client(), streams)
        self.stdout.write(
            f"{'group':<14}{'stream':<22}{'pending':>8}{'lag':>8}  last delivered / stream end"
        )
        for row in rows:
            lag = "?" if row.lag is None else str(row.lag)
            self.stdout.write(
                f"{row.group:<14}{row.stream:<22}{row.pending:>8}{lag:>8}  "
                f"{row.last_delivered_id} / {row.stream_last_id} (length {row.stream_length})"
            )
