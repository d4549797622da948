"""The restore drill (``python -m drills.restore``), run by the rehearsal after teardown.

The drill needs real PostgreSQL and Redis processes it can destroy and restore; the
rehearsal's stand-ins are containers built for the manifests' TLS checks, and a database
lost inside them would be lost for the rest of the run. So the drill runs as ``make
restore-drill`` runs it (docs/runbooks/disaster-recovery.md), once the pods are gone,
and its RPO and RTO go into the rehearsal's summary; an inconsistency it finds fails
the rehearsal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(workdir: Path, members: int = 3, timeout: float = 1800) -> dict:
    report_file = workdir / "drill.json"
    env = {**os.environ}
    env.setdefault("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")
    command = [sys.executable, "-m", "drills.restore", "--members", str(members),
               "--json", str(report_file), "--workdir", str(workdir / "drill")]  # fmt: skip
    result = subprocess.run(  # noqa: S603 - this interpreter, arguments built here
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    (workdir / "drill.log").write_text(result.stdout + result.stderr)
    if not report_file.exists():
        return {"ok": False, "error": (result.stdout + result.stderr)[-1500:]}
    return summary(json.loads(report_file.read_text()), result.returncode)


def summary(report: dict, returncode: int) -> dict:
    """RPO and RTO per scenario, as the rehearsal's summary shows them."""
    return {
        "ok": returncode == 0,
        "seconds": report["seconds"],
        "scenarios": {
            r["scenario"]: {
                "rto_seconds": r["rto_seconds"],
                "rpo_events": r["rpo"]["events"],
                "rpo_window_seconds": r["rpo"].get("window_seconds", 0),
                "consistent": r["consistent"],
            }
            for r in report["results"]
        },
        "secrets_in_logs": report["secrets_in_logs"],
        "command": report["command"],
    }
