"""The relay sleeps until an outbox write commits (PostgreSQL LISTEN/NOTIFY), instead of
polling every 20 ms: a commit is relayed at once even with the fallback poll set to a
minute, and an idle relay costs (almost) no CPU."""

from __future__ import annotations

import os
import time

import psycopg
import pytest
from django.db import transaction

from common.databases import unpooled_connection_params
from eventing import wakeup
from eventing.streams import event_stream
from tests.bus.outbox_rows import announce_registrations
from tests.bus.test_faults import _stop, _worker
from tests.processes import wait_until

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

STREAM = event_stream("identity")


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_commit_wakes_the_relay_and_an_idle_relay_costs_no_cpu(bus, tmp_path):
    announce_registrations(3)
    relay = _worker(bus, tmp_path, "relay", "relay_events", EVENTBUS_RELAY_POLL_SECONDS="60")
    try:
        wait_until(lambda: bus.client().xlen(STREAM) == 3, 60, "the first events")
        time.sleep(1)  # the relay is idle, waiting on its minute-long fallback poll
        started = time.monotonic()
        announce_registrations(2)
        wait_until(lambda: bus.client().xlen(STREAM) == 5, 10, "the commit to wake the relay")
        assert time.monotonic() - started < 5

        idle_from, cpu_from = time.monotonic(), _cpu_seconds(relay.pid)
        time.sleep(10)
        share = (_cpu_seconds(relay.pid) - cpu_from) / (time.monotonic() - idle_from)
        assert share < 0.02, f"an idle relay used {share:.1%} of a core"
    finally:
        _stop(relay, tmp_path, "relay")


def test_with_listening_off_the_relay_polls_every_20_ms(bus, tmp_path):
    """``EVENTBUS_RELAY_LISTEN=false`` (a pooler that cannot hold a LISTEN): no wake-ups,
    and still every commit relayed promptly, by the 20 ms poll, not the configured one."""
    announce_registrations(1)
    relay = _worker(
        bus, tmp_path, "relay", "relay_events",
        EVENTBUS_RELAY_POLL_SECONDS="60", EVENTBUS_RELAY_LISTEN="false",
    )  # fmt: skip
    try:
        wait_until(lambda: bus.client().xlen(STREAM) == 1, 60, "the first event")
        for expected in (2, 3):
            time.sleep(1)
            started = time.monotonic()
            announce_registrations(1)
            wait_until(lambda n=expected: bus.client().xlen(STREAM) == n, 10, "the poll")
            assert time.monotonic() - started < 5
    finally:
        _stop(relay, tmp_path, "relay")


def _listener():
    listener = psycopg.connect(**unpooled_connection_params("identity"), autocommit=True)
    listener.execute(f"LISTEN {wakeup.CHANNEL}")
    return listener


def _notifications(listener, timeout: float) -> list[str]:
    return [n.payload for n in listener.notifies(timeout=timeout, stop_after=100)]


def test_the_wake_up_is_sent_once_after_the_write_commits_and_never_for_a_rollback():
    """What the relay sees of a write: one wake-up once the write has committed (however
    many rows it holds), none before, none for a rollback. That it is sent in a
    transaction of its own rather than inside the write shows in throughput only
    (bench/outbox_wakeup.py)."""
    with _listener() as listener:
        with transaction.atomic(using="identity"):
            announce_registrations(3)
            assert _notifications(listener, 0.5) == []  # nothing before the commit
        assert _notifications(listener, 5.0) == ["identity"]

        with pytest.raises(RuntimeError), transaction.atomic(using="identity"):
            announce_registrations(2)
            raise RuntimeError("the write fails after its outbox rows")
        assert _notifications(listener, 1.0) == []
