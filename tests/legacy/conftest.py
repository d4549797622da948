"""A real reference legacy service process per test module, on a free local port."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import REPO, free_port


class LegacyProcess:
    def __init__(self, port: int, process: subprocess.Popen, db: Path) -> None:
        self.port, self.process, self.db = port, process, db
        self.base_url = f"http://127.0.0.1:{port}"

    def change(self, sql: str, *params) -> None:
        """Change legacy's data behind its API, as the legacy system's own jobs would."""
        with sqlite3.connect(self.db) as db:
            db.execute(sql, params)

    def control(self, **settings) -> dict:
        """Make the service slow or failing (``delay_ms``, ``fail_status``); see its counts."""
        data = json.dumps(settings).encode() if settings else None
        request = urllib.request.Request(f"{self.base_url}/_control", data=data)  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local
            return json.loads(response.read())


def start_legacy(tmp_path: Path) -> LegacyProcess:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_adapter.reference_service", "--port", str(port),
         "--db", str(tmp_path / "legacy.sqlite3")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    legacy = LegacyProcess(port, process, tmp_path / "legacy.sqlite3")
    for _ in range(100):
        try:
            legacy.control()
            return legacy
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"reference legacy service did not start: {process.stdout.read()!r}")


def stop_legacy(legacy: LegacyProcess) -> None:
    legacy.process.terminate()
    try:
        legacy.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        legacy.process.kill()


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    process = start_legacy(tmp_path_factory.mktemp("legacy"))
    yield process
    stop_legacy(process)


@pytest.fixture
def own_legacy(tmp_path):
    """A reference legacy service for one test alone: the test changes its data."""
    process = start_legacy(tmp_path)
    yield process
    stop_legacy(process)


@pytest.fixture
def calm_legacy(legacy):
    """The module's service, answering normally when the test starts and ends."""
    legacy.control(delay_ms=0, fail_status=None, reset_count=True)
    yield legacy
    legacy.control(delay_ms=0, fail_status=None)
