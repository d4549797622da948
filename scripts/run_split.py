"""``make run-split``: every part of the platform as its own local process, with Redis.

What a split deployment runs, on one machine and the embedded SQLite databases (one
file per alias under ``var/split/db``; ``DATABASE_SERVER_URL`` puts them on PostgreSQL
instead): the reference legacy service, one web process per domain
(``SERVICE=<domain>``), the gateway (``SERVICE=gateway``, calling each domain over HTTP
through ``GATEWAY_NEW_BASE_URLS``), the admin (``SERVICE=all``), the relay, one
consumer per group and the projection runner. Redis is ``REDIS_URL`` when set, else a
private ``redis-server`` on a free port. E-mail goes over SMTP to a local mail sink
(``scripts/image/standins/sink.py``; read it at ``<mail>/messages``), not to the logs.
It migrates and loads the demo first, prints every port, waits for each web process's
``/health``, then prints ``ready`` and runs until Ctrl-C (or SIGTERM), when it stops
everything it started.

Once ready it writes ``<SPLIT_DIR>/targets.json``, the description of its processes the
smoke journey reads (``scripts/smoke_journey.py --targets var/split/targets.json``):
the gateway as the public entry, each domain's ``/api/v1/<domain>`` (and ``/xapi``) on
its own process, the mail sink, an LRS client made for the journey, the ``/metrics``
URLs, and the steps a local run cannot take, with why.

``SPLIT_BASE_PORT`` (default 8100) numbers the web ports from there; ``0`` picks free
ports (tests). ``SPLIT_DIR`` (default ``var/split``) holds its databases and logs.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOMAINS = ("identity", "learning", "reputation", "passport", "governance", "marketplace")
GROUPS = ("governance", "passport", "reputation")
PYTHON = sys.executable
#: Databases and logs of the split run (``SPLIT_DIR``; git-ignored under ``var/``).
SPLIT_DIR = Path(os.environ.get("SPLIT_DIR", str(REPO / "var" / "split")))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ports() -> dict[str, int]:
    base = int(os.environ.get("SPLIT_BASE_PORT", "8100"))
    names = ("gateway", *DOMAINS, "admin", "legacy", "redis", "mail", "smtp")
    if base == 0:
        return {name: _free_port() for name in names}
    return {name: base + i for i, name in enumerate(names)}


def _wait(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"run-split: {url} did not answer within {timeout:.0f} s")


class Split:
    def __init__(self) -> None:
        self.ports = _ports()
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.logs = SPLIT_DIR / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DEBUG": os.environ.get("DEBUG", "true"),
            "DATA_DIR": os.environ.get("DATA_DIR", str(SPLIT_DIR / "db")),
            "LEGACY_BASE_URL": f"http://127.0.0.1:{self.ports['legacy']}",
            # Parts other than identity verify members' tokens with identity's keys.
            "AUTH_JWKS_URL": f"http://127.0.0.1:{self.ports['identity']}/.well-known/jwks.json",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            # /metrics asks for a token as deployed (one per run unless one is given); the
            # targets file hands it to the smoke journey.
            "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or secrets.token_urlsafe(32),
            # Like the compose stack: a local run opens, votes and closes a proposal in
            # seconds (deployed environments keep config/settings/governance.py's floor).
            "GOVERNANCE_MIN_QUORUM": os.environ.get("GOVERNANCE_MIN_QUORUM", "1"),
            "GOVERNANCE_MIN_DISCUSSION_SECONDS": os.environ.get(
                "GOVERNANCE_MIN_DISCUSSION_SECONDS", "0"
            ),
            "GOVERNANCE_MIN_VOTING_SECONDS": os.environ.get("GOVERNANCE_MIN_VOTING_SECONDS", "5"),
        }

    def start(self, name: str, args: list[str], **env: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - this repository's own commands
            args, cwd=REPO, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.children.append((name, process))

    def manage(self, name: str, *args: str, service: str = "all") -> None:
        self.start(name, [PYTHON, "manage.py", *args], SERVICE=service)

    def web(self, name: str, service: str, **env: str) -> None:
        port = str(self.ports[name])
        self.start(
            name, [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            SERVICE=service, **env,
        )  # fmt: skip

    def redis(self) -> None:
        if os.environ.get("REDIS_URL"):
            self.env["REDIS_URL"] = os.environ["REDIS_URL"]
            return
        binary = shutil.which("redis-server")
        if not binary:
            raise SystemExit("run-split: set REDIS_URL or install redis-server")
        workdir = tempfile.mkdtemp(prefix="run-split-redis-")
        port = str(self.ports["redis"])
        self.start("redis", [binary, "--port", port, "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir])  # fmt: skip
        self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", int(port))) == 0:
                    return
            time.sleep(0.1)
        raise SystemExit("run-split: redis-server did not start")

    def mail(self) -> None:
        """The mail sink, and every process sending to it over SMTP."""
        self.start("mail", [PYTHON, "scripts/image/standins/sink.py", "--host", "127.0.0.1",
                            "--smtp-port", str(self.ports["smtp"]),
                            "--http-port", str(self.ports["mail"])])  # fmt: skip
        self.env.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(self.ports["smtp"]),
        )  # fmt: skip
        _wait(f"http://127.0.0.1:{self.ports['mail']}/health", timeout=30)

    def targets(self) -> Path:
        """``targets.json`` for ``smoke_journey.py --targets`` (see the module doc)."""
        done = subprocess.run(  # noqa: S603 - this repository's own command
            [PYTHON, "manage.py", "lrs_client", "create", "smoke-journey"], cwd=REPO,
            env=self.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        found = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
        url = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        description = {
            "base_url": url["gateway"],
            "routes": {
                **{f"/api/v1/{domain}/": url[domain] for domain in DOMAINS},
                "/xapi/": url["learning"],
            },
            "mail_url": url["mail"],
            "lrs_credentials": f"{found['key'].strip()}:{found['secret'].strip()}",
            "metrics_urls": [f"{url[name]}/metrics" for name in ("gateway", *DOMAINS)],
            "metrics_token": self.env["METRICS_TOKEN"],
            "skip": [
                "trace across the bus at the OTLP receiver: make run-split runs no "
                "OpenTelemetry Collector (make compose-smoke does)",
                "Prometheus alert delivered by Alertmanager: make run-split runs no "
                "Prometheus or Alertmanager (make compose-smoke does)",
            ],
        }
        path = SPLIT_DIR / "targets.json"
        path.write_text(json.dumps(description, indent=2) + "\n")
        path.chmod(0o600)  # it holds the LRS client's secret and the scrape token
        return path

    def prepare(self) -> None:
        for step in (["migrate_all"], ["load_demo"]):
            done = subprocess.run(  # noqa: S603 - this repository's own commands
                [PYTHON, "manage.py", *step], cwd=REPO, env=self.env, capture_output=True,
                text=True,
            )  # fmt: skip
            if done.returncode:
                raise SystemExit(f"run-split: {' '.join(step)} failed:\n{done.stderr[-3000:]}")

    def run(self) -> None:
        self.redis()
        self.mail()
        self.prepare()
        self.start("legacy", [PYTHON, "-m", "legacy_adapter.reference_service", "--port",
                              str(self.ports["legacy"]), "--db",
                              str(SPLIT_DIR / "legacy.sqlite3")])  # fmt: skip
        for domain in DOMAINS:
            self.web(domain, domain)
        urls = ",".join(f"{d}=http://127.0.0.1:{self.ports[d]}" for d in DOMAINS)
        self.web("gateway", "gateway", GATEWAY_NEW_BASE_URLS=urls)
        self.web("admin", "all")
        self.manage("relay", "relay_events")
        for group in GROUPS:
            self.manage(f"consumer-{group}", "consume_events", "--group", group)
        self.manage("projections", "run_projections", "--loop")
        print("run-split: every part is its own process (logs in var/split/logs/):")
        for name in ("gateway", *DOMAINS, "admin", "legacy"):
            print(f"  {name:<12} http://127.0.0.1:{self.ports[name]}/")
        print(f"  {'redis':<12} {self.env['REDIS_URL']}")
        print(f"  {'mail':<12} http://127.0.0.1:{self.ports['mail']}/messages")
        print(f"  workers      relay, consumers {', '.join(GROUPS)}, projections")
        for name in ("gateway", *DOMAINS, "admin"):
            _wait(f"http://127.0.0.1:{self.ports[name]}/health")
        print(f"run-split: smoke journey targets in {self.targets()}")
        print("run-split: ready", flush=True)

    def stop(self) -> None:
        for _, process in reversed(self.children):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in self.children:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    split = Split()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        split.run()
        while not stop.wait(1):
            dead = [name for name, p in split.children if p.poll() is not None]
            if dead:
                print(f"run-split: {', '.join(dead)} stopped; see var/split/logs/", flush=True)
                break
    finally:
        split.stop()


if __name__ == "__main__":
    main()
