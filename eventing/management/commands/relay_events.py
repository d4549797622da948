"""``manage.py relay_events``: publish every outbox (and event store) to Redis Streams.

One process can serve every domain of its ``SERVICE``; a SIGTERM lets the batch in
hand finish. While Redis is unreachable the rows stay in the outbox and the relay
retries with capped exponential backoff; a database connection the server dropped,
between rounds or in the middle of one, is replaced on the next round.
"""

import logging
import signal
import threading

import redis
from django.conf import settings
from django.core.management import BaseCommand
from django.db import DatabaseError, close_old_connections
from eventsourcing.persistence import PersistenceError

from common.observability.tracing import shutdown_tracing
from common.observability.worker_server import start_worker_server
from eventing.relay import relay_once
from eventing.sources import relay_sources
from eventing.streams import redis_client

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Publish outbox rows and stored events to Redis Streams."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Publish what is there, then exit.")
        parser.add_argument("--batch-size", type=int, default=settings.EVENTBUS_BATCH_SIZE)

    def handle(self, *args, once=False, batch_size=200, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        client = redis_client()
        sources = relay_sources()
        if settings.METRICS_PORT:
            start_worker_server(settings.METRICS_PORT)
        self.stdout.write(f"relaying {', '.join(s.name for s in sources)}")
        total, delay = 0, 0.0
        while not stop.is_set():
            # As the consumer does each round: drop connections a restarted or failed-over
            # PostgreSQL broke (CONN_HEALTH_CHECKS), instead of failing on them forever.
            close_old_connections()
            try:
                published = relay_once(sources, client, batch_size)
                delay = 0.0
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                delay = min(max(delay * 2, 0.1), 10.0)
                logger.warning("relay: Redis unavailable (%s); retrying in %.1fs", exc, delay)
                stop.wait(delay)
                continue
            except (DatabaseError, PersistenceError) as exc:
                # The connection broke mid-round (a restart or failover): the rows not yet
                # marked published are sent again next round, and consumers' inboxes drop
                # what they already have. The next round starts on a new connection.
                delay = min(max(delay * 2, 0.1), 10.0)
                logger.warning("relay: database unavailable (%s); retrying in %.1fs", exc, delay)
                stop.wait(delay)
                continue
            total += published
            if once and not published:
                break
            if not published:
                stop.wait(settings.EVENTBUS_RELAY_POLL_SECONDS)
        shutdown_tracing()
        self.stdout.write(f"relayed {total} entries")
