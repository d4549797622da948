"""``manage.py consume_events --group <name>``: one member of a consumer group.

SIGTERM stops reading, lets the batch in hand commit and be acknowledged, and exits 0.
"""

import signal

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from prometheus_client import REGISTRY as METRICS

from common.observability.tracing import shutdown_tracing
from common.observability.worker_server import start_worker_server
from eventing.consumer import Consumer
from eventing.handlers import REGISTRY
from eventing.metrics import BusLagCollector
from eventing.streams import redis_client


class Command(BaseCommand):
    help = "Consume events for one consumer group (one per subscribing domain)."

    def add_arguments(self, parser):
        parser.add_argument("--group", required=True)
        parser.add_argument("--consumer", help="Consumer name (default: host and thread).")
        parser.add_argument("--claim-idle-ms", type=int, help="Reclaim entries idle this long.")
        parser.add_argument("--block-ms", type=int, help="XREADGROUP block time.")
        parser.add_argument(
            "--until-idle", action="store_true", help="Exit once a round finds nothing to do."
        )

    def handle(self, *args, group, consumer=None, claim_idle_ms=None, block_ms=None, **options):
        if group not in REGISTRY.groups():
            raise CommandError(
                f"No handlers for group {group!r} in this process; known: {REGISTRY.groups()}"
            )
        overrides = {
            k: v
            for k, v in {
                "name": consumer,
                "claim_idle_ms": claim_idle_ms,
                "block_ms": block_ms,
            }.items()
            if v is not None
        }
        worker = Consumer(group, redis_client(), **overrides)
        if settings.METRICS_PORT:
            METRICS.register(BusLagCollector(worker.client, {group: worker.streams}))
            start_worker_server(settings.METRICS_PORT)
        signal.signal(signal.SIGTERM, lambda *_: worker.stop())
        signal.signal(signal.SIGINT, lambda *_: worker.stop())
        self.stdout.write(f"consumer {worker.name} of {group} reading {', '.join(worker.streams)}")
        if options["until_idle"]:
            while worker.step():
                pass
        else:
            worker.run()
        shutdown_tracing()
        stats = worker.stats
        self.stdout.write(
            f"stopped: applied={stats.applied} duplicates={stats.duplicates} "
            f"ignored={stats.ignored} failed={stats.failed} dead={stats.dead_lettered} "
            f"claimed={stats.claimed}"
        )
