"""Crash and shutdown of real worker processes: ``relay_events`` and ``consume_events``.

10,000 events go through the relay and a consumer group while the consumer is killed
with SIGKILL mid-batch and another takes over: every event's effect exists exactly
once. SIGTERM lets a worker finish the batch in hand and exit 0.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.db import connections

from domains.governance.models import Member
from eventing.deadletters import dead_letter_list
from eventing.models import InboxMessage, OutboxMessage
from eventing.streams import event_stream
from tests.bus.outbox_rows import announce_registrations
from tests.processes import REPO, clean_environment, database_urls_for, wait_until

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

EVENTS = 10_000


def _worker(bus, tmp_path, name: str, *args: str) -> subprocess.Popen:
    env = clean_environment(
        **database_urls_for(),
        REDIS_URL=bus.url,
        EVENTBUS_RETRY_BASE_SECONDS="0.01",
        EVENTBUS_RETRY_MAX_SECONDS="0.1",
        EVENTBUS_BLOCK_MS="100",
        EVENTBUS_BATCH_SIZE="100",
    )
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(30)


def _pending_of(bus, consumer: str) -> int:
    try:
        summary = bus.client().xpending(event_stream("identity"), "governance")
    except redis.ResponseError:  # the group does not exist yet
        return 0
    return next((int(c["pending"]) for c in summary["consumers"] if _name(c) == consumer), 0)


def _name(entry: dict) -> str:
    name = entry["name"]
    return name.decode() if isinstance(name, bytes) else name


def _kill_mid_batch(bus, tmp_path, attempt: int) -> bool:
    """Start a consumer and SIGKILL it while it holds entries it has not acknowledged."""
    name = f"doomed-{attempt}"
    doomed = _worker(
        bus, tmp_path, name, "consume_events", "--group", "governance",
        "--consumer", name, "--claim-idle-ms", "1000",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _pending_of(bus, name) == 0:
            assert doomed.poll() is None, (tmp_path / f"{name}.log").read_text()
            assert time.monotonic() < deadline, "the consumer never took a batch"
            time.sleep(0.002)
    finally:
        os.kill(doomed.pid, signal.SIGKILL)  # no chance to commit or acknowledge
        doomed.wait(10)
    return _pending_of(bus, name) > 0


def test_ten_thousand_events_survive_a_killed_consumer_exactly_once(bus, tmp_path):
    announce_registrations(EVENTS)
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    try:
        # Kill consumers until one dies holding unacknowledged entries (a batch in hand).
        assert any(_kill_mid_batch(bus, tmp_path, attempt) for attempt in range(5))
        killed_at = Member.objects.count()
        assert killed_at < EVENTS, "the consumers finished before one could be killed"

        second = _worker(
            bus, tmp_path, "second", "consume_events", "--group", "governance",
            "--consumer", "second", "--claim-idle-ms", "1000",
        )  # fmt: skip
        try:
            wait_until(lambda: Member.objects.count() >= EVENTS, 240, "every event to be applied")
            wait_until(
                lambda: (
                    bus.client().xpending(event_stream("identity"), "governance")["pending"] == 0
                ),
                30,
                "the reclaimed entries to be acknowledged",
            )
        finally:
            assert _stop(second) == 0
    finally:
        assert _stop(relay) == 0

    assert Member.objects.count() == EVENTS
    assert Member.objects.values("member_id").distinct().count() == EVENTS
    assert InboxMessage.objects.using("governance").filter(group="governance").count() == EVENTS
    assert dead_letter_list(bus.client(), group="governance") == []
    assert not OutboxMessage.objects.using("identity").filter(published_at__isnull=True).exists()
    log = (tmp_path / "second.log").read_text()
    assert "stopped:" in log
    claimed = int(log.rsplit("claimed=", 1)[1].split()[0])
    assert claimed > 0, "the second consumer should have reclaimed the dead one's pending entries"


def test_sigterm_finishes_the_batch_and_exits_zero(bus, tmp_path):
    announce_registrations(300)
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    consumer = _worker(bus, tmp_path, "consumer", "consume_events", "--group", "governance")
    try:
        wait_until(lambda: Member.objects.count() >= 1, 60, "the consumer to start applying")
        assert _stop(consumer) == 0
        applied = Member.objects.count()
        # Everything applied was acknowledged: a clean stop leaves nothing half-done.
        pending = bus.client().xpending(event_stream("identity"), "governance")["pending"]
        assert pending == 0
        assert InboxMessage.objects.using("governance").count() == applied
    finally:
        assert _stop(relay) == 0
    assert "stopped: applied=" in (tmp_path / "consumer.log").read_text()


def _terminate_identity_backends() -> int:
    """End every other connection to this test's identity database (what a PostgreSQL
    restart or failover does to a worker); how many were ended."""
    database = connections["identity"].settings_dict["NAME"]
    with connections["identity"].cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return cursor.fetchone()[0]


def test_the_relay_outlives_its_database_connection_being_dropped(bus, tmp_path):
    """A PostgreSQL restart or failover ends the relay's connections; the relay must
    carry on with new ones, not fail on the dead one."""
    announce_registrations(10)
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    stream = event_stream("identity")
    try:
        wait_until(lambda: bus.client().xlen(stream) == 10, 60, "the first events to be relayed")
        assert _terminate_identity_backends() >= 1, "the relay held no connection to terminate"
        announce_registrations(5)
        wait_until(
            lambda: relay.poll() is not None or bus.client().xlen(stream) == 15,
            60,
            "the later events to be relayed",
        )
        assert relay.poll() is None, (tmp_path / "relay.log").read_text()
    finally:
        assert _stop(relay) == 0
    assert bus.client().xlen(stream) == 15


def test_the_relay_outlives_connections_dropped_in_the_middle_of_its_rounds(bus, tmp_path):
    """Connections ended while a backlog is being relayed (so mostly mid-round, between
    reading rows and marking them published): the relay goes on, and no event is lost —
    a row whose round failed is sent again, which the consumers' inboxes absorb."""
    announce_registrations(5000)
    outbox = OutboxMessage.objects.using("identity")
    published = {str(i) for i in outbox.values_list("event_id", flat=True)}
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    stream = event_stream("identity")
    try:
        wait_until(lambda: bus.client().xlen(stream) > 0, 60, "relaying to start")
        ended = 0
        for _ in range(20):
            ended += _terminate_identity_backends()
            time.sleep(0.05)
        assert ended >= 1, "the relay held no connection to terminate"
        unpublished = outbox.filter(published_at__isnull=True)
        wait_until(
            lambda: relay.poll() is not None or not unpublished.exists(),
            120,
            "the backlog to be relayed",
        )
        assert relay.poll() is None, (tmp_path / "relay.log").read_text()
    finally:
        assert _stop(relay) == 0
    relayed = {json.loads(f[b"envelope"])["id"] for _, f in bus.client().xrange(stream)}
    assert relayed >= published
