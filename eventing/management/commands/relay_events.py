"""``manage.py relay_events``: publish every outbox (and event store) to Redis Streams.

One process can serve every domain of its ``SERVICE``; a SIGTERM lets the batch in
hand finish. Whatever fails (Redis, the database, a connection dropped mid-round),
the rows stay in the outbox and the relay retries with capped backoff; if Redis comes
back without what was published, the relay publishes it again
(``eventing.relay_loop``, ``eventing.recovery``).
"""

import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand

from common.observability.tracing import shutdown_tracing
from common.observability.worker_server import start_worker_server
from eventing.relay_loop import RelayLoop
from eventing.sources import relay_sources
from eventing.streams import redis_client


class Command(BaseCommand):
    help = "Publish outbox rows and stored events to Redis Streams."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Publish what is there, then exit.")
        parser.add_argument("--batch-size", type=int, default=settings.EVENTBUS_BATCH_SIZE)

    def handle(self, *args, once=False, batch_size=200, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        sources = relay_sources()
        if settings.METRICS_PORT:
            start_worker_server(settings.METRICS_PORT)
        self.stdout.write(f"relaying {', '.join(s.name for s in sources)}")
        total = RelayLoop(sources, redis_client(), batch_size=batch_size).run(stop, once=once)
        shutdown_tracing()
        self.stdout.write(f"relayed {total} entries")
