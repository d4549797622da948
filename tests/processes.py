"""Run Django in a child process with a chosen environment.

Settings are read once per process, so configuration behaviour (``SERVICE``, one
alias pointed at a dead server, a bad variable) is tested in a fresh interpreter.
The child reuses the test databases the session created, by URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connections

from common.databases import served_aliases

REPO = Path(__file__).resolve().parent.parent

#: Variables the parent's configuration may have set; the child starts from a clean slate.
_CONFIG_PREFIXES = (
    "DATABASE_", "REDIS_URL", "SERVICE", "DEBUG", "SECRET_KEY", "METRICS_TOKEN", "DATA_DIR",
)  # fmt: skip


#: What a child process's /metrics answers to (``Authorization: Bearer <this>``).
CHILD_METRICS_TOKEN = "child-process-metrics-token-0123456789abcdef"

#: Kept from the parent: connection-pool sizes (the suite shares one server's connections).
_KEPT = ("DATABASE_POOL_MAX_SIZE", "DATABASE_POOL_MIN_SIZE")


def clean_environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONFIG_PREFIXES) or k in _KEPT}
    # Django's bar (50 characters) and the scrape token: both required with DEBUG off.
    env["SECRET_KEY"] = "child-process-secret-key-0123456789abcdef-0123456789abcdef"
    env["METRICS_TOKEN"] = CHILD_METRICS_TOKEN
    # No mail server here; the console backend is refused outside DEBUG (tokens in logs).
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    # As in-process tests (conftest.py): votes open at once with one or two voters.
    for name, value in (("QUORUM", "1"), ("DISCUSSION_SECONDS", "0"), ("VOTING_SECONDS", "0")):
        env.setdefault(f"GOVERNANCE_MIN_{name}", value)
    env.update(overrides)
    return env


def scrape(url: str) -> urllib.request.Request:
    """A GET of a child process's ``/metrics`` as Prometheus sends it (with the token)."""
    headers = {"Authorization": f"Bearer {CHILD_METRICS_TOKEN}"}
    return urllib.request.Request(url, headers=headers)  # noqa: S310 - the tests' own URLs


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_urls_for(*aliases: str) -> dict[str, str]:
    """``DATABASE_URL_<ALIAS>`` pointing at this session's test databases, for the given
    aliases or, with none given, for every database this process has configured."""
    aliases = aliases or tuple(served_aliases())
    urls = {}
    for alias in aliases:
        settings = connections[alias].settings_dict
        if connections[alias].vendor == "postgresql":
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            url = f"postgres://{auth}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        else:
            url = f"sqlite:///{settings['NAME']}"
        urls[f"DATABASE_URL_{alias.upper()}"] = url
    return urls


def run_django(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a child interpreter."""
    script = "import django\ndjango.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll ``predicate`` until it returns something true (returned) or ``timeout``
    seconds pass; a connection error while a process starts counts as "not yet"."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as exc:
            last = exc
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")
