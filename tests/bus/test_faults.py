"""Workers under faults: Redis flushed or restarted empty, PostgreSQL stopped for longer
than the pool waits, connections killed mid-batch.

Real ``relay_events`` and ``consume_events`` processes, a Redis and (where it is
stopped) a PostgreSQL of the test's own. Each test asserts that nothing was lost
(every event's effect exists), nothing doubled (once per event, one inbox row each),
and that the same processes recovered by themselves (still running, exit 0 on SIGTERM).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections

from domains.governance.models import Member
from eventing.deadletters import dead_letter_list
from eventing.models import InboxMessage
from eventing.streams import event_stream
from tests.bus.outbox_rows import announce_registrations
from tests.processes import REPO, clean_environment, database_urls_for, wait_until

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

STREAM = event_stream("identity")


def _worker(bus, tmp_path: Path, name: str, *args: str, **env: str) -> subprocess.Popen:
    environment = clean_environment(
        **{
            **database_urls_for(),
            "REDIS_URL": bus.url,
            "EVENTBUS_RETRY_BASE_SECONDS": "0.01",
            "EVENTBUS_RETRY_MAX_SECONDS": "0.1",
            "EVENTBUS_BLOCK_MS": "100",
            "EVENTBUS_BATCH_SIZE": "20",
            "EVENTBUS_WORKER_BACKOFF_MAX_SECONDS": "1",
            "EVENTBUS_RELAY_LOSS_CHECK_SECONDS": "0.2",
            **env,
        }
    )
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=REPO, env=environment, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _stop(process: subprocess.Popen, tmp_path: Path, name: str) -> None:
    process.send_signal(signal.SIGTERM)
    code = process.wait(60)
    assert code == 0, (tmp_path / f"{name}.log").read_text()


def _alive(process: subprocess.Popen, tmp_path: Path, name: str) -> None:
    assert process.poll() is None, f"{name} exited:\n" + (tmp_path / f"{name}.log").read_text()


def _pending(bus) -> int:
    try:
        return bus.client().xpending(STREAM, "governance")["pending"]
    except Exception:  # noqa: BLE001 - no group yet
        return -1


def _assert_once_each(expected: int, count, inbox) -> None:
    assert count("SELECT count(*) FROM governance_member") == expected
    assert count("SELECT count(DISTINCT member_id) FROM governance_member") == expected
    assert inbox == expected


@pytest.mark.parametrize("fault", ["flushed", "restarted empty"])
def test_nothing_redis_loses_is_lost(bus, tmp_path, fault):
    """Redis loses every stream and group while a consumer is half-way through them:
    the consumer re-creates its group, the relay re-publishes from the outbox, and
    every event is applied exactly once, by the same processes."""
    first, later = 3000, 500
    announce_registrations(first)
    relay = _worker(bus, tmp_path, "relay", "relay_events", "--batch-size", "200")
    wait_until(lambda: bus.client().xlen(STREAM) >= first, 120, "the first events to be relayed")
    consumer = _worker(bus, tmp_path, "consumer", "consume_events", "--group", "governance")
    try:
        wait_until(lambda: Member.objects.count() >= 1, 120, "the consumer to start applying")
        if fault == "flushed":
            bus.client().flushall()
        else:
            bus.restart_empty()
        assert Member.objects.count() < first, "the consumer finished before Redis lost data"
        announce_registrations(later)
        wait_until(
            lambda: Member.objects.count() >= first + later and _pending(bus) == 0,
            240,
            "every event to be applied and acknowledged",
        )
        _alive(consumer, tmp_path, "consumer")
        _alive(relay, tmp_path, "relay")
    finally:
        _stop(consumer, tmp_path, "consumer")
        _stop(relay, tmp_path, "relay")
    with connections["governance"].cursor() as cursor:

        def count(sql):
            cursor.execute(sql)
            return cursor.fetchone()[0]

        _assert_once_each(first + later, count, InboxMessage.objects.using("governance").count())
    assert dead_letter_list(bus.client(), group="governance") == []
    assert "Redis lost entries of events:identity" in (tmp_path / "relay.log").read_text()
    assert (
        "consumer group governance on events:identity was lost"
        in (tmp_path / "consumer.log").read_text()
    )


def _terminate_governance_backends() -> int:
    database = connections["governance"].settings_dict["NAME"]
    with connections["governance"].cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return cursor.fetchone()[0]


def test_connections_killed_mid_batch_cost_nothing(bus, tmp_path):
    """The consumer's database connections are ended again and again while it applies
    a backlog (most often inside a batch's transaction): it carries on with new ones."""
    events = 3000
    announce_registrations(events)
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    consumer = _worker(bus, tmp_path, "consumer", "consume_events", "--group", "governance")
    try:
        wait_until(lambda: Member.objects.count() >= 1, 120, "the consumer to start applying")
        ended = 0
        while Member.objects.count() < events and ended < 200:
            ended += _terminate_governance_backends()
            time.sleep(0.02)
        assert ended >= 1, "the consumer held no connection to end"
        wait_until(
            lambda: Member.objects.count() >= events and _pending(bus) == 0,
            240,
            "every event to be applied and acknowledged",
        )
        _alive(consumer, tmp_path, "consumer")
    finally:
        _stop(consumer, tmp_path, "consumer")
        _stop(relay, tmp_path, "relay")
    with connections["governance"].cursor() as cursor:

        def count(sql):
            cursor.execute(sql)
            return cursor.fetchone()[0]

        _assert_once_each(events, count, InboxMessage.objects.using("governance").count())
    assert dead_letter_list(bus.client(), group="governance") == []


def test_a_database_stopped_longer_than_the_pool_waits(bus, tmp_path, postgres_server):
    """The consumer's PostgreSQL stops for longer than the pool's timeout while events
    keep arriving: the consumer waits it out (no dead letters: an outage is not a
    failed attempt) and applies everything once the server is back."""
    postgres_server.create_database("governance")
    url = postgres_server.url("governance")
    env = {"DATABASE_URL_GOVERNANCE": url, "DATABASE_POOL_TIMEOUT": "1",
           "DATABASE_CONNECT_TIMEOUT": "1"}  # fmt: skip
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--database", "governance", "--no-input"],
        cwd=REPO, env=clean_environment(**{**database_urls_for(), **env}),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    def count(sql):
        return postgres_server.scalar("governance", sql)

    first, later = 1000, 1000
    announce_registrations(first)
    relay = _worker(bus, tmp_path, "relay", "relay_events")
    consumer = _worker(bus, tmp_path, "consumer", "consume_events", "--group", "governance", **env)
    log = tmp_path / "consumer.log"
    try:
        wait_until(lambda: count("SELECT count(*) FROM governance_member") >= 1, 120, "applying")
        postgres_server.stop()
        announce_registrations(later)  # arrives while the database is down
        wait_until(lambda: "round failed" in log.read_text(), 60, "the consumer to meet the outage")
        time.sleep(3)  # the outage lasts past the pool's 1 s timeout, several times over
        _alive(consumer, tmp_path, "consumer")
        postgres_server.start()
        wait_until(
            lambda: (
                count("SELECT count(*) FROM governance_member") >= first + later
                and _pending(bus) == 0
            ),
            240,
            "every event to be applied once the database is back",
        )
        _alive(consumer, tmp_path, "consumer")
    finally:
        _stop(consumer, tmp_path, "consumer")
        _stop(relay, tmp_path, "relay")
    _assert_once_each(first + later, count, count("SELECT count(*) FROM eventing_inboxmessage"))
    assert dead_letter_list(bus.client(), group="governance") == []
