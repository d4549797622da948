"""``manage.py run_projections``: keep the read models up to date with their event stores.

Without ``--loop``: apply everything recorded so far, then exit. With ``--loop``: keep
polling; SIGTERM (or SIGINT) lets the batch in hand commit, then the command exits 0; a
database connection that breaks (a restart, a failover) costs a round, not the process.
Several runners may run at once: each batch locks its projection's position. With
``--loop`` and ``METRICS_PORT`` set it serves ``/health``, ``/ready`` and ``/metrics``
there, like the relay and the consumers.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from eventsourcing.persistence import PersistenceError

from common.observability.worker_server import start_worker_server
from eventing.projections import BATCH_SIZE, projection_run_batch, registered_projections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Apply new events to every projection (or the named ones)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Projection names. Default: all.")
        parser.add_argument("--loop", action="store_true", help="Keep polling until SIGTERM.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, names=(), loop=False, interval=1.0, batch_size=BATCH_SIZE, **options):
        known = registered_projections()
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise CommandError(f"Unknown projection(s) {unknown}; known: {sorted(known)}")
        projections = [cls() for name, cls in known.items() if not names or name in names]
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        if loop and settings.METRICS_PORT:
            # /health, /ready and /metrics, where the manifests probe the runner.
            start_worker_server(settings.METRICS_PORT)
        self.stdout.write(f"projecting {', '.join(p.name for p in projections) or 'nothing'}")
        applied = {projection.name: 0 for projection in projections}
        while not stop.is_set():
            # Drop connections a restarted or failed-over PostgreSQL broke (as the relay
            # and the consumer do each round), instead of failing on them forever.
            close_old_connections()
            progressed = False
            for projection in projections:
                try:
                    count = projection_run_batch(projection=projection, limit=batch_size)
                except (DatabaseError, PersistenceError) as exc:
                    if not loop:
                        raise
                    # The connection broke mid-batch: the batch rolled back with its
                    # position, so the next round applies it again, on a new connection.
                    logger.warning("projections: database unavailable (%s); retrying", exc)
                    break
                applied[projection.name] += count
                progressed = progressed or count > 0
                if stop.is_set():
                    break
            if not progressed:
                if not loop:
                    break
                stop.wait(interval)
        for name, count in applied.items():
            self.stdout.write(f"{name}: applied {count} events")
