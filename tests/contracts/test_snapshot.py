"""``python -m contracts.snapshot`` writes missing snapshots only, never a published one."""

import json
import subprocess
import sys
from pathlib import Path

from contracts.registry import load_all
from contracts.schema import json_schema
from contracts.snapshot import snapshot_path, write_missing

REPO = Path(__file__).resolve().parents[2]


def test_writes_every_missing_snapshot_and_keeps_published_ones(tmp_path):
    registry = load_all()
    first, *rest = registry.all()
    published = snapshot_path(first, tmp_path)
    published.write_text("{}\n", encoding="utf-8")  # as published, whatever it says now

    written = write_missing(registry, tmp_path)

    assert written == [snapshot_path(cls, tmp_path) for cls in rest]
    assert published.read_text(encoding="utf-8") == "{}\n"
    assert json.loads(written[0].read_text(encoding="utf-8")) == json_schema(rest[0])
    assert write_missing(registry, tmp_path) == []


def test_the_command_reports_that_every_committed_snapshot_is_present():
    result = subprocess.run(
        [sys.executable, "-m", "contracts.snapshot"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert (
        result.stdout == f"all {len(load_all().all())} contract versions already have a snapshot\n"
    )
