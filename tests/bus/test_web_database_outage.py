"""A web process whose PostgreSQL stops and comes back (a private cluster the test
stops under a running gunicorn): requests answer 503 problem+json with Retry-After
while it is away, never 500; ``/ready`` says so too; and once ``/ready`` is green again
every request succeeds, within seconds of the server's return (the pool does not
sleep through the recovery).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.processes import REPO, clean_environment, free_port, wait_until


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db(databases=[])
def test_requests_get_503_while_the_database_is_away_and_succeed_once_ready(
    postgres_server, tmp_path
):
    postgres_server.create_database("passport")
    env = clean_environment(
        DATABASE_URL_PASSPORT=postgres_server.url("passport"), SERVICE="passport",
        ALLOWED_HOSTS="127.0.0.1", RATELIMIT_ENABLE="false", WEB_CONCURRENCY="1",
        DATABASE_POOL_TIMEOUT="1", DATABASE_CONNECT_TIMEOUT="1", SHUTDOWN_DRAIN_SECONDS="0",
        AUTH_JWKS_URL="http://127.0.0.1:9/.well-known/jwks.json",  # a split part names identity's
    )  # fmt: skip
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--database", "passport", "--no-input"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    credential = f"{base}/p/{uuid.uuid4()}?format=json"
    log_path = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "-c", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until(lambda: _get(f"{base}/ready")[0] == 200, 60, "gunicorn to be ready")
        assert _get(credential)[0] == 404  # served: no such credential

        postgres_server.stop()
        started = time.monotonic()
        while time.monotonic() - started < 8:  # past the pool's 1 s timeout, several times
            status, headers, body = _get(credential)
            assert status == 503, (status, body)
            assert headers["Content-Type"] == "application/problem+json"
            assert int(headers["Retry-After"]) > 0
            assert b'"status": 503' in body or b'"status":503' in body
        assert _get(f"{base}/ready")[0] == 503

        postgres_server.start()
        back = time.monotonic()
        wait_until(lambda: _get(f"{base}/ready")[0] == 200, 60, "/ready to turn green")
        # The pool reconnects at once, instead of sleeping out a backoff that doubled
        # all through the outage (psycopg_pool's default: up to 300 s).
        assert time.monotonic() - back < 5
        answers = [_get(credential)[0] for _ in range(20)]
        assert answers == [404] * 20, answers
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    log = log_path.read_text()
    assert "Internal Server Error" not in log
    assert "Traceback" not in log
    assert "database unavailable" in log
