"""The whole alert chain, for real: Prometheus scrapes the running platform and a worker,
evaluates the project's own alert rules, and Alertmanager delivers to a webhook in the
test the alerts that a dead-lettered message and then a Redis that lost its data raise.

The web process runs under gunicorn (the production server), the consumer with its
metrics server; Prometheus and Alertmanager are the Debian binaries that
``scripts/install-validators.sh`` installs.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from eventing.streams import event_stream
from tests.processes import (
    CHILD_METRICS_TOKEN,
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    wait_until,
)

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

RULES = sorted((REPO / "deploy/observability/prometheus/rules").glob("*.yml"))


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


class Webhook:
    def __init__(self) -> None:
        self.alerts: list[dict] = []
        received = self.alerts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                received.extend(body.get("alerts", []))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _binary(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (scripts/install-validators.sh installs it)"
    return path


def test_bus_alerts_travel_from_metrics_to_a_receiver(bus, tmp_path):
    web_port, worker_port, prom_port, am_port = free_port(), free_port(), free_port(), free_port()
    env = clean_environment(**database_urls_for(), REDIS_URL=bus.url, ALLOWED_HOSTS="127.0.0.1")
    hook = Webhook()
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump({
        "route": {"receiver": "test", "group_by": ["alertname"], "group_wait": "0s",
                  "group_interval": "1s", "repeat_interval": "1h"},
        "receivers": [{"name": "test", "webhook_configs": [{"url": hook.url}]}],
    }))  # fmt: skip

    def targets(port: int) -> list[dict]:
        return [{"targets": [f"127.0.0.1:{port}"]}]

    # /metrics answers only the scrape token, as in compose (credentials_file).
    (tmp_path / "metrics-token").write_text(CHILD_METRICS_TOKEN)
    scraper = {
        "authorization": {"type": "Bearer", "credentials_file": str(tmp_path / "metrics-token")}
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(path) for path in RULES],
        "alerting": {"alertmanagers": [{"static_configs": targets(am_port)}]},
        "scrape_configs": [
            {"job_name": "platform-web", "static_configs": targets(web_port), **scraper},
            {"job_name": "platform-workers", "static_configs": targets(worker_port), **scraper},
        ],
    }))  # fmt: skip
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
             f"127.0.0.1:{web_port}", "--workers", "1"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "consume_events", "--group", "governance"],
            cwd=REPO, env={**env, "METRICS_PORT": str(worker_port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [_binary("prometheus-alertmanager"), f"--config.file={tmp_path / 'alertmanager.yml'}",
             f"--storage.path={tmp_path / 'am'}", f"--web.listen-address=127.0.0.1:{am_port}",
             "--cluster.listen-address="],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [_binary("prometheus"), f"--config.file={tmp_path / 'prometheus.yml'}",
             f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{prom_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    prom = f"http://127.0.0.1:{prom_port}/api/v1"

    def rules() -> list[dict]:
        return [r for g in _get(f"{prom}/rules")["data"]["groups"] for r in g["rules"]]

    def query(expr: str) -> list:
        return _get(f"{prom}/query?query={urllib.parse.quote(expr)}")["data"]["result"]

    try:
        wait_until(lambda: _get(f"http://127.0.0.1:{web_port}/ready")["status"], 60, "gunicorn")
        # Both targets scraped, with the platform's own series.
        wait_until(lambda: len(query("up == 1")) == 2, 60, "both targets up")
        wait_until(lambda: query('http_requests_total{route="ready"}'), 30, "HTTP request series")
        wait_until(
            lambda: query("eventbus_dead_letters_total == 0"), 30, "the dead-letter series at 0"
        )
        # At zero before any loss: a series that appeared at 1 would show no increase.
        wait_until(
            lambda: query('eventbus_stream_losses_total{seen_by="consumer:governance"} == 0'),
            30, "the stream-loss series at 0",
        )  # fmt: skip
        # Every rule of the project evaluates without error against real series.
        groups = wait_until(lambda: _get(f"{prom}/rules")["data"]["groups"], 30, "rules loaded")
        wait_until(lambda: all(r.get("health") == "ok" for r in rules()), 30, "every rule healthy")
        assert {r["name"] for g in groups for r in g["rules"]} >= {
            "EventBusDeadLetters",
            "NotReady",
        }

        bus.client().xadd(event_stream("identity"), {"envelope": "not an envelope"})
        alert = wait_until(
            lambda: next((a for a in hook.alerts
                          if a["labels"].get("alertname") == "EventBusDeadLetters"), None),
            60, "the alert at the receiver",
        )  # fmt: skip
        assert alert["status"] == "firing"
        assert alert["labels"]["group"] == "governance"
        assert alert["labels"]["stream"] == "events:identity"

        # Redis loses everything (as a restart without persistence would): the consumer
        # re-creates its groups, and the loss reaches the receiver.
        bus.client().flushall()
        lost = wait_until(
            lambda: [a["labels"]["stream"] for a in hook.alerts
                     if a["labels"].get("alertname") == "EventBusStreamLoss"],
            60, "the stream-loss alert at the receiver",
        )  # fmt: skip
        assert "events:identity" in lost
        assert bus.client().xinfo_groups("events:identity")[0]["name"] == b"governance"
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    assert Path(tmp_path / "tsdb").is_dir()
