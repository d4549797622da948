"""``/ready`` reuses its connections (found running the Kubernetes rehearsal: a fresh TLS
connection to PostgreSQL and to Redis on every probe made readiness flap under load).

Counted where nobody else connects: a PostgreSQL cluster and a Redis server of the
test's own, probed twenty times by a process without a database pool (the pooled path
already reuses the pool's connections). Then both servers restart, and the next probes
reconnect instead of holding on to the dead connections.
"""

import json
import shutil
import subprocess
import sys

import pytest

from tests.bus.conftest import PostgresServer, RedisServer
from tests.processes import REPO, clean_environment, run_django

PROBES = 20
PROBE = (
    "import json, sys\n"
    "from common.health.checks import readiness\n"
    "for _ in range({n}):\n"
    "    code, body = readiness()\n"
    "    print(json.dumps({{'code': code, 'checks': body['checks']}}))\n"
    "    sys.stdout.flush()\n"
)


@pytest.fixture
def servers(tmp_path):
    postgres, redis_server = PostgresServer(), RedisServer(tmp_path)
    try:
        postgres.init()
        postgres.start()
        postgres.create_database("ready")
        redis_server.start()
        yield postgres, redis_server
    finally:
        redis_server.stop()
        postgres.stop()
        shutil.rmtree(postgres.directory, ignore_errors=True)


def _environment(postgres, redis_server) -> dict[str, str]:
    return clean_environment(
        SERVICE="identity",
        DATABASE_URL_IDENTITY=postgres.url("ready"),
        DATABASE_POOL="false",
        REDIS_URL=redis_server.url,
    )


def _probed(result) -> list[dict]:
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _sessions(postgres) -> int:
    return postgres.scalar(
        "postgres", "SELECT sessions FROM pg_stat_database WHERE datname = 'ready'"
    )


def test_ready_probes_reuse_one_connection_to_postgresql_and_to_redis(servers):
    postgres, redis_server = servers
    admin = redis_server.client()
    redis_before = admin.info("stats")["total_connections_received"]
    postgres_before = _sessions(postgres)

    probes = _probed(run_django(PROBE.format(n=PROBES), _environment(postgres, redis_server)))

    assert len(probes) == PROBES
    for probe in probes:
        assert probe["code"] == 200, probe
        assert probe["checks"]["redis"]["status"] == "up", probe
    redis_opened = admin.info("stats")["total_connections_received"] - redis_before
    # The child has exited: its sessions are all counted by now.
    postgres_opened = _sessions(postgres) - postgres_before
    assert redis_opened <= 2, f"{redis_opened} Redis connections for {PROBES} probes"
    assert postgres_opened <= 2, f"{postgres_opened} PostgreSQL sessions for {PROBES} probes"


def test_a_kept_connection_that_broke_is_replaced_at_the_next_probe(servers):
    postgres, redis_server = servers
    code = (
        "import json, sys, time\n"
        "from common.health.checks import readiness\n"
        "def probe():\n"
        "    code, body = readiness()\n"
        "    return {'code': code, 'checks': {k: v['status'] for k, v in body['checks'].items()}}\n"
        "print(json.dumps(probe())); sys.stdout.flush()\n"
        "sys.stdin.readline()\n"  # the test restarts both servers meanwhile
        "deadline = time.monotonic() + 60\n"
        "while True:\n"
        "    seen = probe()\n"
        "    if seen['code'] == 200 and seen['checks']['redis'] == 'up':\n"
        "        break\n"
        "    if time.monotonic() > deadline:\n"
        "        break\n"
        "    time.sleep(0.5)\n"
        "print(json.dumps(seen))\n"
    )
    env = {**_environment(postgres, redis_server), "DJANGO_SETTINGS_MODULE": "config.settings"}
    child = subprocess.Popen(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = json.loads(child.stdout.readline())
        assert first["code"] == 200 and first["checks"]["redis"] == "up", first
        postgres.stop()
        postgres.start()
        redis_server.stop()
        redis_server.start()
        child.stdin.write("go\n")
        child.stdin.flush()
        after = json.loads(child.stdout.readline())
    finally:
        child.kill()
        child.wait(timeout=10)
    assert after == {"code": 200, "checks": {"database:identity": "up", "redis": "up"}}
