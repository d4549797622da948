"""Waking the relay when an outbox write commits, instead of polling every 20 ms.

``outbox_publish_many`` has ``NOTIFY eventbus_outbox`` sent once the writing
transaction has committed (never for a rollback), in a transaction of its own that does
not wait for its commit record to reach the disk. Not in the writing transaction: a
transaction that notifies holds the server's notification queue lock from before its
commit until after it, WAL flush included, so every writer would commit after the
previous one instead of sharing flushes (``bench/outbox_wakeup.py``,
docs/benchmarks.md). Lost notifications cost
latency only: a crash between the commit and the notification leaves the rows to the
poll. The relay keeps one
listening connection per PostgreSQL database it relays (a thread each, blocked in
``notifies``: no CPU while idle) and sets one event the loop waits on. Polling stays,
every ``EVENTBUS_RELAY_POLL_SECONDS``, as the fallback: for what sends no notification
(the event stores' notification logs) and for anything a listener missed while its
connection was down (a reconnected listener wakes the relay once, too).
"""

from __future__ import annotations

import logging
import threading

import psycopg
from django.db import connections, transaction

from common.databases import unpooled_connection_params

logger = logging.getLogger(__name__)

CHANNEL = "eventbus_outbox"


def notify_outbox(alias: str) -> None:
    """Announce new outbox rows on ``alias`` once the open transaction commits (once per
    transaction, however many writes it holds)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    # Django's pending callbacks: (savepoint ids, callable, robust). A savepoint rolled
    # back drops its own, so a write after it registers again.
    if not any(isinstance(entry[1], _Notify) for entry in connection.run_on_commit):
        transaction.on_commit(_Notify(alias), using=alias, robust=True)


class _Notify:
    """``NOTIFY`` in a transaction of its own (one statement), committed asynchronously:
    a notification is not worth a disk flush, nor holding the queue lock during one.
    ``robust``: a failure is logged by Django and never reaches the committed write's
    caller; the relay's poll covers it."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('synchronous_commit', 'off', true), pg_notify(%s, %s)",
                [CHANNEL, self.alias],
            )


class OutboxListener:
    """Sets ``wake`` whenever one of ``aliases`` commits outbox rows."""

    def __init__(self, aliases: list[str], wake: threading.Event, stop: threading.Event) -> None:
        self.wake = wake
        self.stop = stop
        self.threads = [
            threading.Thread(target=self._listen, args=(alias, self._params(alias)), daemon=True)
            for alias in aliases
            if connections[alias].vendor == "postgresql"
        ]

    @property
    def listening(self) -> bool:
        return bool(self.threads)

    @staticmethod
    def _params(alias: str) -> dict:
        return unpooled_connection_params(alias)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _listen(self, alias: str, params: dict) -> None:
        delay = 0.0
        while not self.stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    delay = 0.0
                    self.wake.set()  # anything committed while we were not listening
                    while not self.stop.is_set():
                        for _ in connection.notifies(timeout=1.0, stop_after=1):
                            self.wake.set()
            except psycopg.Error as exc:
                delay = min(max(delay * 2, 0.5), 10.0)
                logger.warning("relay: not listening on %s (%s); retrying", alias, exc)
                self.stop.wait(delay)
