"""Split mode: the gateway reaches the new handler over HTTP (a ``SERVICE=marketplace``
process under gunicorn) and falls back to legacy when that process is gone."""

import subprocess
import sys
import time
import urllib.request

import pytest

from domains.marketplace.models import Space
from gateway.models import Route
from gateway.services import route_action
from legacy_adapter.acl.values import uuid_for
from tests.processes import REPO, clean_environment, database_urls_for, free_port

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_new_code_over_http_then_fallback_when_it_is_gone(client, gateway_env, settings):
    Space.objects.create(
        id=uuid_for("space", 1), owner_id=uuid_for("user", 1), name="Quiet reading room",
        description="A calm room for study groups.", location="12 Library Lane", capacity=12,
        status="listed",
    )  # fmt: skip
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip
    route_action(route_id=route.id, action="shadow", actor="ops", reason="split")
    route_action(route_id=route.id, action="promote", actor="ops", reason="split")
    port = free_port()
    env = clean_environment(
        **database_urls_for("marketplace"), SERVICE="marketplace", ALLOWED_HOSTS="127.0.0.1",
        RATELIMIT_ENABLE="false",
    )  # fmt: skip
    domain = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    settings.GATEWAY_NEW_BASE_URL = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        over_http = client.get("/api/spaces")
        assert over_http["X-Served-By"] == "new"
        assert [i["title"] for i in over_http.json()["items"]] == ["Quiet reading room"]
    finally:
        domain.terminate()
        domain.wait(10)
    fallback = client.get("/api/spaces")
    assert fallback["X-Served-By"] == "legacy" and fallback.json()["total"] == 3
