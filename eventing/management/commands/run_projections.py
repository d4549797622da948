"""``manage.py run_projections``: keep the read models up to date with their event stores.

Without ``--loop``: apply everything recorded so far, then exit. With ``--loop``: keep
polling; SIGTERM (or SIGINT) lets the batch in hand commit, then the command exits 0;
whatever fails (a restart, a failover, a connect timeout) costs a round, not the process
(``eventing.rounds``, the relay's and the consumers' loop).
Several runners may run at once: each batch locks its projection's position. With
``--loop`` and ``METRICS_PORT`` set it serves ``/health``, ``/ready`` and ``/metrics``
there, like the relay and the consumers.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import close_old_connections, connections

from common.observability.worker_server import start_worker_server
from eventing.metrics import WORKER_ERRORS
from eventing.projections import BATCH_SIZE, projection_run_batch, registered_projections
from eventing.rounds import fault_kind, run_rounds

logger = logging.getLogger(__name__)


def _failed(exc: Exception, delay: float) -> None:
    kind = fault_kind(exc)
    WORKER_ERRORS.labels(worker="projections", kind=kind).inc()
    log = logger.error if kind == "other" else logger.warning
    log("projections: round failed (%s: %s); retrying in %.1fs", type(exc).__name__, exc, delay)
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


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

        def one_round() -> bool:
            """A batch of each projection; False once nothing is left (without --loop)."""
            # Drop connections a restarted or failed-over PostgreSQL broke (as the relay
            # and the consumer do each round), instead of failing on them forever.
            close_old_connections()
            progressed = False
            for projection in projections:
                count = projection_run_batch(projection=projection, limit=batch_size)
                applied[projection.name] += count
                progressed = progressed or count > 0
                if stop.is_set():
                    break
            if not progressed:
                if not loop:
                    return False
                stop.wait(interval)
            return True

        if loop:
            # Whatever fails (the database unreachable, a connect timeout on a loaded
            # machine), the batch rolled back with its position: the round is retried
            # with the bus workers' backoff, on a new connection.
            run_rounds(one_round, stop, _failed)
        else:
            while one_round() and not stop.is_set():
                pass
        for name, count in applied.items():
            self.stdout.write(f"{name}: applied {count} events")
