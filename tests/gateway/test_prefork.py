"""Under gunicorn's pre-forked workers, a route change made elsewhere reaches every
worker within seconds, without a restart (each worker's table cache checks the
version; a forked worker never trusts its parent's copy)."""

import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from gateway.models import Route
from gateway.services import route_action
from tests.processes import REPO, clean_environment, database_urls_for, free_port

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def served_by(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
        return response.headers["X-Served-By"]


def test_a_change_reaches_every_gunicorn_worker_within_seconds(gateway_env):
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip
    port = free_port()
    env = clean_environment(
        **database_urls_for(*settings.DATABASES), ALLOWED_HOSTS="127.0.0.1",
        LEGACY_BASE_URL=gateway_env.base_url, GATEWAY_FLAGS_TTL_SECONDS="1",
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/spaces"
    try:
        for _ in range(150):
            try:
                assert served_by(url) == "legacy"
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(20):  # warm both workers' caches on the old table
            assert served_by(url) == "legacy"
        route_action(route_id=route.id, action="kill", actor="ops", reason="test propagation")
        route_action(route_id=route.id, action="shadow", actor="ops", reason="test propagation")
        route_action(route_id=route.id, action="promote", actor="ops", reason="test propagation")
        changed_at = time.monotonic()
        # Killed routes stay on legacy; release the switch: now every worker must say new.
        route_action(route_id=route.id, action="unkill", actor="ops", reason="test propagation")
        # The table is re-read every second (GATEWAY_FLAGS_TTL_SECONDS); the bound leaves
        # room for a loaded machine's slow requests, and still rules out "at the next
        # restart" (the workers are never restarted here).
        deadline = changed_at + 30
        while time.monotonic() < deadline:
            if all(served_by(url) == "new" for _ in range(10)):
                break
            time.sleep(0.2)
        assert [served_by(url) for _ in range(20)] == ["new"] * 20
        assert time.monotonic() - changed_at < 30
    finally:
        server.terminate()
        server.wait(10)
