"""Defects that only show when the platform runs as deployed (issue 13), each shown on
real processes: gunicorn with the project's config, Celery beat, the projections runner.

- gunicorn 25+ opened a control socket under ``$HOME/.gunicorn`` (read-only in the image);
- ``/metrics`` under gunicorn answered for whichever worker took the scrape;
- a split part without ``AUTH_JWKS_URL`` fetched its token keys from itself (404);
- traces went over OTLP/HTTP to the gRPC port 4317, where nothing understands them;
- beat wrote its schedule into the working directory and nothing served the port the
  manifests probe, nor for the projections runner.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import gunicorn as gunicorn_config
from tests.processes import (
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    run_django,
    scrape,
)

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _get(url: str) -> tuple[int, bytes]:
    """A GET on the child server (``/metrics`` with the scrape token)."""
    request = scrape(url) if url.endswith("/metrics") else url
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        assert process.poll() is None, f"exited {process.returncode}: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{url} never answered: {log.read_text()[-3000:]}"
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _gunicorn(tmp_path: Path, workers: int, **env: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "-c", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers)],
        cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env=clean_environment(
            **database_urls_for(), ALLOWED_HOSTS="127.0.0.1", RATELIMIT_ENABLE="false",
            SHUTDOWN_DRAIN_SECONDS="0", **env,
        ),
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}", log


def test_gunicorn_opens_no_control_socket_in_the_home_directory(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    process, base, log = _gunicorn(tmp_path, 1, HOME=str(home))
    try:
        _wait_for(f"{base}/health", process, log)
    finally:
        _stop(process)
    assert not (home / ".gunicorn").exists()
    assert "Control server error" not in log.read_text()


def test_metrics_under_gunicorn_sum_every_worker(tmp_path):
    process, base, log = _gunicorn(tmp_path, 2)
    requests = 40
    try:
        _wait_for(f"{base}/health", process, log)
        before = _options_count(base)
        # OPTIONS, which nothing else here sends: a late /health from the start-up poll
        # must not be counted.
        for _ in range(requests):
            assert _request("OPTIONS", f"{base}/health") == 405
        # Several scrapes, so both workers answer at least one with near certainty.
        counts = [_options_count(base) - before for _ in range(8)]
    finally:
        _stop(process)
    assert counts == [requests] * len(counts), counts


def _request(method: str, url: str) -> int:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _options_count(base: str) -> float:
    status, body = _get(f"{base}/metrics")
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels.get("route") == "health"
        and sample.labels.get("method") == "OPTIONS"
    )


def test_a_split_part_without_a_jwks_url_refuses_to_start(tmp_path):
    process, _, log = _gunicorn(tmp_path, 1, SERVICE="learning")
    try:
        returncode = process.wait(60)
    finally:
        _stop(process)
    assert returncode != 0
    assert "AUTH_JWKS_URL is unset" in log.read_text()


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"SERVICE": "all"}, ""),
        ({"SERVICE": "identity"}, ""),
        ({"SERVICE": "gateway"}, "AUTH_JWKS_URL is unset"),
        (
            {
                "SERVICE": "marketplace",
                "AUTH_JWKS_URL": "http://127.0.0.1:8000/.well-known/jwks.json",
            },
            "points at this SERVICE=marketplace process",
        ),
        (
            {
                "SERVICE": "marketplace",
                "AUTH_JWKS_URL": "http://identity:8000/.well-known/jwks.json",
            },
            "",
        ),
    ],
)
def test_the_jwks_rule_names_the_variable(environ, problem):
    found = gunicorn_config.jwks_problem(environ, ["0.0.0.0:8000"])
    assert (problem in found) if problem else found == ""


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317", "port 4317, OTLP/gRPC's"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "exports traces over OTLP/HTTP only"),
    ],
)
def test_traces_pointed_at_the_grpc_transport_are_refused_at_start(variable, value, message):
    env = clean_environment(
        **database_urls_for(), OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318"
    )
    env[variable] = value
    result = run_django("print('started')", env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "started" not in result.stdout


def test_traces_to_the_http_port_start(tmp_path):
    env = clean_environment(
        **database_urls_for(), OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318",
        OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
    )  # fmt: skip
    result = run_django("print('started')", env)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def _worker(command: list[str], tmp_path: Path, settings, **env: str):
    port = free_port()
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        command, cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env=clean_environment(
            **database_urls_for(), REDIS_URL=settings.REDIS_URL, METRICS_PORT=str(port), **env
        ),
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}", log


def _probes_answer(base: str) -> None:
    status, body = _get(f"{base}/ready")
    assert status == 200, body
    assert json.loads(body)["status"] in ("ready", "degraded")
    status, body = _get(f"{base}/metrics")
    assert status == 200
    assert b"platform_dependency_up" in body


def test_celery_beat_serves_its_probes_and_keeps_its_schedule_in_var(tmp_path, settings):
    schedule = tmp_path / "var" / "celerybeat-schedule"
    schedule.parent.mkdir()
    process, base, log = _worker(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"], tmp_path, settings,
        CELERY_BEAT_SCHEDULE_FILENAME=str(schedule),
    )  # fmt: skip
    try:
        _wait_for(f"{base}/health", process, log)
        _probes_answer(base)
        deadline = time.monotonic() + 30
        while not list(schedule.parent.iterdir()):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        _stop(process)


def test_beat_schedule_defaults_to_the_writable_var_directory(settings):
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent == REPO / "var"


def test_the_projections_runner_serves_its_probes(tmp_path, settings):
    process, base, log = _worker(
        [sys.executable, "manage.py", "run_projections", "--loop"], tmp_path, settings
    )
    try:
        _wait_for(f"{base}/health", process, log)
        _probes_answer(base)
    finally:
        _stop(process)
    assert process.returncode == 0, log.read_text()
