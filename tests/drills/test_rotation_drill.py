"""The rotation drill, run as an operator runs it (``python -m drills.rotation``).

Database and Redis passwords rotate under a load of real requests: a second credential
is made valid, the processes are rolled onto it, the first is revoked. Not one request
may fail, the old credentials must be refused afterwards while the new ones serve, and
every statement accepted during the rotation must reach passport (nothing lost).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.processes import REPO, clean_environment


def test_passwords_rotate_under_load_with_no_failed_request(tmp_path):
    report_path = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "drills.rotation", "--clients", "3",
         "--workdir", str(tmp_path / "drill"), "--json", str(report_path)],
        cwd=REPO, env=clean_environment(), capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads(report_path.read_text())

    assert report["failures"] == [] and report["failed"] == []
    assert report["statements_accepted"] > 0 and report["requests_ok"] > 0
    assert report["problems"] == [], report["problems"]
    revocation = report["revocation"]
    assert revocation["old database credential refused"] is True
    assert revocation["old redis password refused"] is True
    assert revocation["new database credential accepted"] is True
    assert revocation["new redis password accepted"] is True
    assert revocation["new database user sessions"] > 0
    assert revocation["platform redis connections older than the rollout"] == 0
    assert report["rotated_to"] == "platform_app_green"
    assert report["secrets_in_logs"] == {}
    assert report["rollout_seconds"] > 0
