"""The restore drill, run as an operator runs it (``python -m drills.restore``).

One run loses passport's database, then governance's, then Redis. Each database is first
restored naively (no consumer-group rewind): the drill must catch what that leaves
behind. Then the runbook's rewind is applied and every view must match again, with the
domain's own writes since the backup reported as lost (RPO) and not silently missing.
Redis's loss needs no operator step: the running platform must recover it by itself.
The processes' logs, at INFO, carry none of the secrets the drill handled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.processes import REPO, clean_environment


def test_restore_drill_recovers_each_loss_and_catches_a_naive_restore(tmp_path):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    report_path = tmp_path / "report.json"
    env = clean_environment(
        DATABASE_SERVER_URL=os.environ.get(
            "DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432"
        ),
        DRILL_DATABASE_PREFIX=f"drill_test_{worker}_",
    )
    done = subprocess.run(
        [sys.executable, "-m", "drills.restore", "--domains", "passport,governance",
         "--members", "3", "--naive", "--workdir", str(tmp_path / "drill"),
         "--json", str(report_path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads(report_path.read_text())

    dataset = report["dataset"]
    for kind in ("statements", "ratings", "bookings", "votes", "credentials"):
        assert dataset[kind] > 0, f"the drill's load made no {kind}: {dataset}"

    passport, governance, redis_loss = report["results"]
    assert any(
        "passport evidence vs learning statements" in p and "missing from the view" in p
        for p in passport["naive_restore_problems"]
    ), passport
    assert any(
        "governance directory vs identity members" in p and "missing from the view" in p
        for p in governance["naive_restore_problems"]
    ), governance
    for result in (passport, governance, redis_loss):
        assert result["consistent"] and result["problems"] == [], result
        assert result["rto_seconds"] > 0
    # Credentials issued and votes cast after the backup are the domains' own writes: lost,
    # and said so.
    assert passport["rpo"]["events"] > 0, passport["rpo"]
    assert governance["rpo"]["events"] > 0, governance["rpo"]
    assert passport["rpo"]["window_seconds"] > 0
    # Redis lost events in flight, and the platform recovered them by itself: the relay
    # queued the retained events again and the consumers re-created their groups.
    assert redis_loss["operator_steps"] == [], redis_loss
    assert sum(redis_loss["relay_requeued"].values()) > 0, redis_loss
    assert redis_loss["consumers_regrouped"], redis_loss
    # Nothing secret in any process's log: keys, passwords, the tokens members were given.
    assert report["secrets_in_logs"] == {}
