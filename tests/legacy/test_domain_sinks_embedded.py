"""The domains' sinks in the embedded default (SQLite files, in-process bus) and the
default ``LEGACY_SYNC_SINKS`` per ``SERVICE``: child processes, since settings are read
once per process and this one runs on PostgreSQL."""

import json
import sqlite3

from legacy_adapter.acl.values import uuid_for
from tests.legacy.conftest import start_legacy, stop_legacy
from tests.processes import clean_environment, run_django

SINKS = "from django.conf import settings; print(json.dumps(settings.LEGACY_SYNC_SINKS))"


def sinks_of(**env) -> dict:
    result = run_django(f"import json\n{SINKS}", clean_environment(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_process_syncs_the_resources_of_the_domains_it_installs(tmp_path):
    assert set(sinks_of(SERVICE="all", DATA_DIR=str(tmp_path))) == {
        "users", "activity", "spaces", "bookings", "proposals", "votes", "ratings",
    }  # fmt: skip
    assert sinks_of(SERVICE="learning", DATA_DIR=str(tmp_path)) == {
        "activity": "domains.learning.sync_sink.LegacyActivitySink",
    }
    assert sinks_of(SERVICE="marketplace", DATA_DIR=str(tmp_path)) == {
        "spaces": "domains.marketplace.sync_sink.SpaceSink",
        "bookings": "domains.marketplace.sync_sink.BookingSink",
    }
    assert sinks_of(SERVICE="gateway", DATA_DIR=str(tmp_path)) == {}
    assert sinks_of(
        SERVICE="all",
        DATA_DIR=str(tmp_path),
        LEGACY_SYNC_SINKS="spaces=tests.legacy.sinks.SpaceSink",
    ) == {"spaces": "tests.legacy.sinks.SpaceSink"}


BACKFILL = """
import io, json
from django.core.management import call_command
from domains.governance.models import Vote
from domains.identity.models import User
from domains.learning.models import Statement
from domains.marketplace.models import Booking
from domains.reputation.models import Rating

call_command("migrate_all", verbosity=0)
outputs = {}
for run in ("first", "again"):
    for resource in ("users", "activity", "spaces", "bookings", "proposals", "votes", "ratings"):
        out = io.StringIO()
        call_command("legacy_sync", "backfill", resource, "--restart", stdout=out)
        [summary] = [line for line in out.getvalue().splitlines() if line.startswith(resource)]
        outputs[f"{run} {resource}"] = summary
out = io.StringIO()
call_command("legacy_sync", "backfill", "bookings", "--restart", stdout=out)
outputs["booking problems"] = [
    line for line in out.getvalue().splitlines() if line.startswith("skipped ")
]
outputs["counts"] = [User.objects.count(), Booking.objects.count(), Vote.objects.count(),
                     Rating.objects.count(), Statement.objects.count()]
print(json.dumps(outputs))
"""


def test_a_full_backfill_runs_twice_on_the_embedded_default(tmp_path):
    legacy = start_legacy(tmp_path)
    try:
        with sqlite3.connect(legacy.db) as db:  # overlaps booking 1 on space 1
            db.execute("INSERT INTO bookings VALUES (2, 1, 3, '04.02.2026 11:00', "
                       "'04.02.2026 13:00', '05.01.2026 10:00')")  # fmt: skip
        env = clean_environment(
            SERVICE="all", DATA_DIR=str(tmp_path / "data"), LEGACY_BASE_URL=legacy.base_url
        )
        result = run_django(BACKFILL, env, timeout=180)
    finally:
        stop_legacy(legacy)
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout.strip().splitlines()[-1])
    first = {"users": 5, "activity": 7, "spaces": 3, "proposals": 1, "votes": 1, "ratings": 3}
    for resource, count in first.items():
        assert f"created {count}, updated 0, unchanged 0, skipped 0" in outputs[f"first {resource}"]
        assert f"created 0, updated 0, unchanged {count}, skipped 0" in outputs[f"again {resource}"]
    assert "created 1, updated 0, unchanged 0, skipped 1" in outputs["first bookings"]
    assert "created 0, updated 0, unchanged 1, skipped 1" in outputs["again bookings"]
    [overlap] = outputs["booking problems"]
    assert str(uuid_for("booking", 2)) in overlap and "already booked" in overlap
    assert outputs["counts"] == [5, 1, 1, 3, 7]
