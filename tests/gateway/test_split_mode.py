"""Split mode: a ``SERVICE=gateway`` process reaches each route's domain over HTTP at
that domain's own base URL (``GATEWAY_NEW_BASE_URLS``), one breaker per domain.

Every part is a real gunicorn process (the project's config): the gateway, a
marketplace and a governance process. Killing the marketplace process sends its reads
back to legacy and opens *its* breaker only — governance keeps being served by new
code. A route whose domain has no URL is refused with a 502 naming the domain.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from domains.marketplace.models import Space
from gateway.models import Route
from gateway.services import route_action
from legacy_adapter.acl.values import uuid_for
from tests.processes import (
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    run_django,
    scrape,
    wait_until,
)

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _start(service: str, log: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """A gunicorn process serving ``service``, answering /health on its port."""
    port = free_port()
    alias = "default" if service == "gateway" else service
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "-c", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        env=clean_environment(
            **database_urls_for(alias), SERVICE=service, ALLOWED_HOSTS="127.0.0.1",
            RATELIMIT_ENABLE="false", SHUTDOWN_DRAIN_SECONDS="0",
            # A split part refuses to start without it; no request here carries a token.
            AUTH_JWKS_URL="http://127.0.0.1:9/.well-known/jwks.json", **env,
        ),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: _call("GET", f"{base}/health")[0] == 200, 60, f"{service} to start")
    return process, base


def _call(method: str, url: str) -> tuple[int, dict, object]:
    body = b"{}" if method == "POST" else None
    request = urllib.request.Request(url, method=method, data=body)  # noqa: S310 - local
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def _breaker_states(base: str) -> dict[str, float]:
    with urllib.request.urlopen(scrape(f"{base}/metrics"), timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    found = re.findall(r'^circuit_breaker_state\{client="([^"]+)"\} (\S+)$', text, re.M)
    return {client: float(value) for client, value in found}


def _new_route(method: str, pattern: str, new_target: str, translator: str = "") -> None:
    route = Route.objects.create(
        method=method, path_pattern=pattern, legacy_target=pattern, new_target=new_target,
        translator=translator,
    )  # fmt: skip
    route_action(route_id=route.id, action="shadow", actor="ops", reason="split")
    route_action(route_id=route.id, action="promote", actor="ops", reason="split")


def test_each_route_reaches_its_domain_and_a_dead_domain_spares_others(gateway_env, tmp_path):
    Space.objects.create(
        id=uuid_for("space", 1), owner_id=uuid_for("user", 1), name="Quiet reading room",
        description="A calm room for study groups.", location="12 Library Lane", capacity=12,
        status="listed",
    )  # fmt: skip
    _new_route("GET", "/api/spaces", "/api/v1/marketplace/spaces", "spaces.list")
    _new_route("GET", "/api/register-key", "/api/v1/governance/register/public-key")
    _new_route("POST", "/api/activities", "/api/v1/learning/activities")
    processes = []
    try:
        marketplace, marketplace_url = _start("marketplace", tmp_path / "marketplace.log")
        processes.append(marketplace)
        governance, governance_url = _start("governance", tmp_path / "governance.log")
        processes.append(governance)
        gateway, gateway_url = _start(
            "gateway", tmp_path / "gateway.log", LEGACY_BASE_URL=gateway_env.base_url,
            GATEWAY_FLAGS_TTL_SECONDS="0",
            GATEWAY_NEW_BASE_URLS=f"marketplace={marketplace_url}, governance={governance_url}",
            # The route breaker stays closed here, so the domain's own breaker is seen.
            GATEWAY_NEW_BREAKER_MINIMUM_CALLS="1000",
        )  # fmt: skip
        processes.append(gateway)

        status, headers, body = _call("GET", f"{gateway_url}/api/spaces")
        assert (status, headers["X-Served-By"]) == (200, "new"), body
        assert [item["title"] for item in body["items"]] == ["Quiet reading room"]
        status, headers, body = _call("GET", f"{gateway_url}/api/register-key")
        assert (status, headers["X-Served-By"]) == (200, "new"), body
        assert body["algorithm"] == "Ed25519" and body["key_id"]

        # learning has no URL: the write is refused, and the log says why.
        status, headers, body = _call("POST", f"{gateway_url}/api/activities")
        assert status == 502 and headers["Content-Type"] == "application/problem+json", body
        log = (tmp_path / "gateway.log").read_text()
        assert "no base URL for the 'learning' domain in GATEWAY_NEW_BASE_URLS" in log

        os.killpg(marketplace.pid, signal.SIGKILL)  # the master and its worker
        marketplace.wait(10)
        for _ in range(8):  # two attempts each: enough calls for the breaker to judge
            status, headers, body = _call("GET", f"{gateway_url}/api/spaces")
            assert (status, headers["X-Served-By"]) == (200, "legacy"), body
            assert body["total"] == 3  # the reference legacy service's spaces
        states = _breaker_states(gateway_url)
        assert states["gateway-new-http:marketplace"] == 2  # open
        assert states["gateway-new-http:governance"] == 0  # closed
        status, headers, body = _call("GET", f"{gateway_url}/api/register-key")
        assert (status, headers["X-Served-By"]) == (200, "new"), body
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(30)


def test_an_unknown_domain_in_the_url_map_stops_start_up():
    env = clean_environment(GATEWAY_NEW_BASE_URLS="marketplce=http://marketplace:8000")
    result = run_django("", env)
    assert result.returncode != 0
    assert "GATEWAY_NEW_BASE_URLS" in result.stderr and "['marketplce']" in result.stderr
