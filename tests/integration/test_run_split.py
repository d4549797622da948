"""``make run-split``'s script: every part its own process with Redis, ports printed;
the gateway reaches the domains over HTTP; Ctrl-C (SIGTERM) stops everything."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request

import pytest

from tests.processes import REPO, wait_until

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the suite's Redis)"
)


def _get(url: str) -> tuple[int, dict, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local
        return response.status, dict(response.headers), json.loads(response.read() or b"null")


def test_every_part_runs_as_its_own_process(tmp_path):
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "SERVICE", "DATA_DIR", "SECRET_KEY"))
    }  # fmt: skip
    env.update(SPLIT_BASE_PORT="0", SPLIT_DIR=str(tmp_path), DEBUG="true")
    process = subprocess.Popen(
        [sys.executable, "scripts/run_split.py"], cwd=REPO, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    seen: list[str] = []

    def ready() -> bool:
        while not lines.empty():
            seen.append(lines.get())
        return any("run-split: ready" in line for line in seen)

    try:
        wait_until(ready, 600, "run-split to be ready")
        ports = dict(re.findall(r"^  (\w[\w-]*)\s+http://127\.0\.0\.1:(\d+)/", "".join(seen), re.M))
        assert set(ports) >= {"gateway", "identity", "learning", "reputation", "passport",
                              "governance", "marketplace", "admin", "legacy"}  # fmt: skip
        assert "workers      relay, consumers governance, passport, reputation" in "".join(seen)
        for name in ("identity", "marketplace", "governance"):
            assert _get(f"http://127.0.0.1:{ports[name]}/health")[0] == 200
        status, headers, body = _get(f"http://127.0.0.1:{ports['gateway']}/api/proposals")
        assert (status, headers["X-Served-By"]) == (200, "new"), body  # over HTTP to governance
        workers = tmp_path / "logs"
        assert {p.name for p in workers.iterdir()} >= {
            "relay.log", "consumer-governance.log", "consumer-passport.log",
            "consumer-reputation.log", "projections.log",
        }  # fmt: skip
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
    assert process.returncode == 0
