"""A bus worker started while its dependencies do not answer keeps retrying with the
bus's backoff (``eventing.rounds``) and works once they answer, instead of exiting into
a restart loop (found running the platform as deployed on a loaded machine: workers
gave up on a connect timeout at start).

The consumer used to create its groups before its retried rounds began, so Redis not
answering at start ended the process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
import redis

from tests.bus.conftest import RedisServer
from tests.processes import REPO, clean_environment, database_urls_for, wait_until

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _start(env: dict[str, str], *command: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=REPO, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _collect(process: subprocess.Popen) -> list[str]:
    """The process's output lines, read as they come (a thread)."""
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    return lines


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def test_a_consumer_started_before_redis_answers_waits_for_it_then_consumes(tmp_path):
    server = RedisServer(tmp_path)  # its port is reserved; nothing listens there yet
    env = clean_environment(
        **database_urls_for(), REDIS_URL=server.url, EVENTBUS_WORKER_BACKOFF_MAX_SECONDS="1"
    )
    consumer = _start(env, "consume_events", "--group", "governance", "--block-ms", "200")
    output = _collect(consumer)
    try:
        wait_until(
            lambda: any("Redis unavailable at start" in line for line in output),
            120, "the consumer meeting Redis down",
        )  # fmt: skip
        # Rounds' worth of refused connections (backoff capped at 1 s): still running.
        time.sleep(5)
        assert consumer.poll() is None, "".join(output[-30:])
        server.start()
        client = redis.Redis.from_url(server.url)
        client.xadd("events:identity", {"envelope": "not an envelope"})
        # It created its group once Redis answered, read the entry, and set it aside.
        wait_until(lambda: client.xlen("deadletter:governance") > 0, 90, "the entry dead-lettered")
        assert consumer.poll() is None
    finally:
        _stop(consumer)
        server.stop()
