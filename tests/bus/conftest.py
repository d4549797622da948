"""A Redis server of the bus tests' own, which they may stop and restart at will.

The machine's Redis is shared with the rest of the suite; the fault tests kill theirs.
It runs with an append-only file, as the bus's Redis must in production: a restart
keeps the streams and the consumer groups.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
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
        self._wait_ready()

    def restart_empty(self) -> None:
        """Kill the server and start it again without its data: a Redis with no
        persistence (or a lost volume) coming back after a crash."""
        self.stop()
        shutil.rmtree(self.directory)
        self.directory.mkdir()
        self.start()

    def _wait_ready(self) -> None:
        client = redis.Redis.from_url(self.url)
        for _ in range(200):
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


class PostgresServer:
    """A PostgreSQL cluster of one test's own (initdb in a temporary directory, a free
    port), which it may stop and start: the machine's server is shared."""

    BIN = Path("/usr/lib/postgresql/15/bin")

    def __init__(self) -> None:
        # PostgreSQL refuses to run as root: then it runs as the postgres user, in a
        # directory of that user's (pytest's own temporary directories are root's only).
        self.directory = Path(tempfile.mkdtemp(prefix="private-postgres-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()

    def _run(self, *command, **options) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *map(str, command)], capture_output=True,
                              **options)  # fmt: skip

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        if not (self.BIN / "initdb").exists():
            pytest.skip("PostgreSQL 15 server binaries are not installed")
        self._run(self.BIN / "initdb", "-D", self.directory / "data", "-U", "postgres",
                  "--auth=trust", "--no-sync", check=True, timeout=120)  # fmt: skip

    def start(self) -> None:
        self._run(self.BIN / "pg_ctl", "-D", self.directory / "data", "-w", "-t", "60",
                  "-l", self.directory / "server.log",
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=50",
                  "start", check=True, timeout=90)  # fmt: skip

    def stop(self) -> None:
        self._run(self.BIN / "pg_ctl", "-D", self.directory / "data", "-m", "fast", "-w",
                  "stop", timeout=90)  # fmt: skip

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def scalar(self, database: str, sql: str):
        import psycopg

        with psycopg.connect(self.url(database)) as connection:
            return connection.execute(sql).fetchone()[0]


@pytest.fixture
def postgres_server():
    server = PostgresServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)


# The event-store fixture: an empty reputation store per test (the root conftest closes
# the stores before the test databases are dropped).
from tests.eventstore.fixtures import ledger_app  # noqa: E402

__all__ = ["bus", "ledger_app", "postgres_server", "redis_server"]
