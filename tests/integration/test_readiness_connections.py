"""``/ready`` reuses its connections and checks its dependencies side by side (found
running the platform as deployed: a fresh TLS connection to PostgreSQL and to Redis on
every probe made readiness flap under load, and seven databases checked in a row took
longer than the probe's timeout when connections were scarce).

Counted where nobody else connects: a PostgreSQL cluster and a Redis server of the
test's own, probed twenty times by a process without a database pool (the pooled path
already reuses the pool's connections). Then both servers restart, and the next probes
reconnect instead of holding on to the dead connections.
"""

import json
import shutil
import socket
import subprocess
import sys
import threading

import pytest

from tests.bus.conftest import PostgresServer, RedisServer
from tests.processes import REPO, clean_environment, database_urls_for, run_django

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


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers: a database too busy to talk."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for connection in held:
        connection.close()
    listener.close()


# The child reaches the three answering aliases' test databases: created for it here,
# not left to whichever test ran first.
@pytest.mark.django_db(databases=["default", "identity", "marketplace"])
def test_ready_answers_within_one_check_timeout_however_many_databases_hang(silent_server):
    """Checked one after another, four silent databases made /ready take four check
    timeouts: longer than the probes' timeout, so a busy process looked dead."""
    hanging = ("learning", "reputation", "passport", "governance")
    urls = database_urls_for("default", "identity", "marketplace")
    urls.update(
        {
            f"DATABASE_URL_{a.upper()}": f"postgres://postgres@127.0.0.1:{silent_server}/x"
            for a in hanging
        }
    )
    code = (
        "import json, time\n"
        "from common.health.checks import CHECK_TIMEOUT_SECONDS, readiness\n"
        "started = time.monotonic()\n"
        "status, body = readiness()\n"
        "print(json.dumps({'status': status, 'seconds': time.monotonic() - started,\n"
        "                  'limit': CHECK_TIMEOUT_SECONDS, 'down': body.get('unavailable')}))\n"
    )
    result = run_django(code, clean_environment(**urls), timeout=120)
    (outcome,) = _probed(result)
    assert outcome["status"] == 503
    assert sorted(outcome["down"]) == sorted(f"database:{a}" for a in hanging)
    # One check timeout, with room for a loaded machine; four in a row would be 8 s.
    assert outcome["seconds"] < 2 * outcome["limit"] + 1.5, outcome
