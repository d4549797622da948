"""Waking the relay when an outbox write commits, instead of polling every 20 ms.

``outbox_publish_many`` sends ``NOTIFY eventbus_outbox`` in the writing transaction;
PostgreSQL delivers it at commit, and never for a rollback. The relay keeps one
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
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "eventbus_outbox"


def notify_outbox(alias: str) -> None:
    """Announce new outbox rows on ``alias``, delivered when the transaction commits."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, alias])


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
        params = connections[alias].get_connection_params()
        params.pop("pool", None)
        params.pop("cursor_factory", None)
        return params

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
