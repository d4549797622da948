"""The relay's loop: publish, check that Redis kept what was published, never give up.

Each round publishes one batch from every source; an idle relay sleeps until an
outbox write commits (``eventing.wakeup``: PostgreSQL ``LISTEN/NOTIFY``), polling only
every ``EVENTBUS_RELAY_POLL_SECONDS`` as a fallback. Any failure (Redis down, the
database stopped or a connection dropped mid-round) costs that round: nothing that
failed was marked published, so it is sent again next round (the inboxes absorb a
repeat), after a capped exponential backoff (``eventing.rounds``). Every
``EVENTBUS_RELAY_LOSS_CHECK_SECONDS``, and after every Redis failure, the relay asks
Redis whether its streams still hold what it published (``eventing.recovery``) and
re-publishes what was lost. The loop ends only when ``stop`` is set (SIGTERM).
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings
from django.db import close_old_connections, connections

from eventing.metrics import STREAM_LOSSES, WORKER_ERRORS
from eventing.recovery import LossWatch
from eventing.relay import OutboxSource, relay_once
from eventing.rounds import fault_kind, run_rounds
from eventing.wakeup import OutboxListener

logger = logging.getLogger(__name__)


class RelayLoop:
    def __init__(self, sources: list, client: redis.Redis, *, batch_size: int) -> None:
        self.sources = sources
        self.client = client
        self.batch_size = batch_size
        self.watch = LossWatch(client, sources)
        for stream in {source.stream for source in sources}:
            # At zero from the start, so the first loss is an increase (EventBusStreamLoss).
            STREAM_LOSSES.labels(stream=stream, seen_by="relay")
        self.total = 0
        self._primed = False
        self._next_check = 0.0
        self._wake = threading.Event()
        self._listener: OutboxListener | None = None

    def round(self) -> int:
        """Check for lost entries when due, then publish one batch per source."""
        # A commit notified from here on wakes the next idle wait (none is missed).
        self._wake.clear()
        # Drop connections a restarted or failed-over PostgreSQL broke (CONN_HEALTH_CHECKS).
        close_old_connections()
        if not self._primed:
            self.watch.prime()
            self._primed = True
        if time.monotonic() >= self._next_check:
            for loss in self.watch.check():
                self.watch.recover(loss)
            self._next_check = time.monotonic() + settings.EVENTBUS_RELAY_LOSS_CHECK_SECONDS
        published = relay_once(self.sources, self.client, self.batch_size, self.watch)
        self.total += published
        return published

    def run(self, stop: threading.Event, *, once: bool = False) -> int:
        def one_round() -> bool:
            published = self.round()
            if once and not published:
                return False
            if not published:
                self.idle(stop)
            return True

        run_rounds(one_round, stop, self._failed)
        return self.total

    def idle(self, stop: threading.Event) -> None:
        """Until an outbox commits (``eventing.wakeup``), SIGTERM, or the fallback poll."""
        if self._listener is None:
            aliases = {s.alias for s in self.sources if isinstance(s, OutboxSource)}
            self._listener = OutboxListener(
                sorted(aliases) if settings.EVENTBUS_RELAY_LISTEN else [],
                self._wake,
                stop,
            )
            self._listener.start()
        poll = settings.EVENTBUS_RELAY_POLL_SECONDS
        # Without a listener (SQLite, EVENTBUS_RELAY_LISTEN off), the old quick polling.
        self._wake.wait(poll if self._listener.listening else min(poll, 0.02))

    def _failed(self, exc: Exception, delay: float) -> None:
        kind = fault_kind(exc)
        if kind == "redis":
            self._next_check = 0.0  # Redis may have come back empty: look first thing.
        WORKER_ERRORS.labels(worker="relay", kind=kind).inc()
        log = logger.error if kind == "other" else logger.warning
        log("relay: round failed (%s: %s); retrying in %.1fs", type(exc).__name__, exc, delay)
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
