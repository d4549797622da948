"""The platform a drill breaks: databases ``drill_<alias>`` on the PostgreSQL server of
``DATABASE_SERVER_URL``, a Redis server of the drill's own (no persistence, like a
Redis that loses everything when it restarts), gunicorn, the relay, one consumer per
group and the projection runner, each a real process started as production starts it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
ALIASES = ("default", "identity", "learning", "reputation", "passport", "governance", "marketplace")
SERVER = os.environ.get("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")
PREFIX = os.environ.get("DRILL_DATABASE_PREFIX", "drill_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.2):
    """Poll until ``predicate()`` is true; its last value or error in the failure."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001 — a process still starting answers with errors
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


def database_name(alias: str) -> str:
    return PREFIX + alias


def server_parts():
    parts = urlsplit(SERVER)
    return parts.hostname or "127.0.0.1", str(parts.port or 5432), parts.username or "postgres"


def admin_sql(*statements: str) -> None:
    """Run statements on the server's maintenance database (create, drop)."""
    import psycopg

    host, port, user = server_parts()
    password = urlsplit(SERVER).password
    with psycopg.connect(
        host=host, port=port, user=user, password=password, dbname="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)


class RedisServer:
    """A redis-server of the drill's own, without persistence: a restart loses it all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server is not installed (scripts/ensure-services.sh)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(client.ping, timeout=30, what="the drill's redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)


def process_settings(workdir: Path) -> dict[str, str]:
    """What every drill's platform process runs with, whatever its databases and Redis:
    production-like (DEBUG off), keys that pass the start-up checks, mail in memory."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_POOL_MAX_SIZE": "4",
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "drill-only-secret-key-0123456789abcdef-0123456789abcdef"
        ),
        "METRICS_TOKEN": os.environ.get(
            "METRICS_TOKEN", "drill-only-metrics-token-0123456789abcdef"
        ),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATA_DIR": str(workdir / "data"),
        "LOG_LEVEL": "INFO",
        # Mails (verification and reset tokens) stay in memory: never in a log.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "EVENTBUS_BLOCK_MS": "200",
        # The drills load bursts through the API from one address.
        "RATELIMIT_ENABLE": "false",
    }


class Platform:
    """The drill's processes; ``env`` is what every one of them (and the drill) runs with."""

    def __init__(self, workdir: Path, redis_server: RedisServer, groups: list[str]) -> None:
        self.workdir = workdir
        self.redis = redis_server
        self.groups = groups
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SERVICE"))}
        return {
            **keep,
            **process_settings(self.workdir),
            "DATABASE_SERVER_URL": SERVER,
            "DATABASE_NAME_PREFIX": PREFIX,
            "REDIS_URL": self.redis.url,
        }

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self._spawn(
            "web",
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "120",
            ],
        )
        manage = [sys.executable, "manage.py"]
        self._spawn("relay", [*manage, "relay_events"])
        for group in self.groups:
            self._spawn(f"consumer-{group}", [*manage, "consume_events", "--group", group])
        self._spawn("projections", [*manage, "run_projections", "--loop", "--interval", "0.2"])
        import urllib3

        http = urllib3.PoolManager(timeout=2.0, retries=False)
        wait_for(
            lambda: http.request("GET", f"{self.base_url}/health").status == 200,
            timeout=120,
            what="gunicorn's /health",
        )

    def dead(self) -> list[str]:
        """Processes that exited on their own (a drill must not need a restart)."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)
                print(f"  {name} did not stop within 60 s of SIGTERM: killed")
        self.processes.clear()

    def secrets_in_logs(self, secrets: dict[str, str]) -> dict[str, list[str]]:
        """Which of ``secrets`` (name -> value) appear in which process's log."""
        found: dict[str, list[str]] = {}
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace")
            for name, value in secrets.items():
                if value and value in text:
                    found.setdefault(name, []).append(path.stem)
        return found

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )
