"""A Redis server of the bus tests' own, which they may stop and restart at will.

The machine's Redis is shared with the rest of the suite; the fault tests kill theirs.
It runs with an append-only file, as the bus's Redis must in production: a restart
keeps the streams and the consumer groups.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from eventing import streams
from tests.processes import free_port


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (scripts/ensure-services.sh installs it)"
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bus(redis_server, settings):
    """Point the bus at the tests' own Redis, empty, with quick retries."""
    if redis_server.process.poll() is not None:
        redis_server.start()
    redis_server.client().flushall()
    settings.REDIS_URL = redis_server.url
    settings.EVENTBUS_MAX_ATTEMPTS = 3
    settings.EVENTBUS_RETRY_BASE_SECONDS = 0.01
    settings.EVENTBUS_RETRY_MAX_SECONDS = 0.05
    settings.EVENTBUS_BLOCK_MS = 50
    streams._client.cache_clear()
    yield redis_server
    streams._client.cache_clear()


# The event-store fixture: an empty reputation store per test (the root conftest closes
# the stores before the test databases are dropped).
from tests.eventstore.fixtures import ledger_app  # noqa: E402

__all__ = ["bus", "ledger_app", "redis_server"]
