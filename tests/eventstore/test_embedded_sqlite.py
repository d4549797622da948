"""The embedded default (SQLite files, no server): the same store, projection and rebuild.

Run in a child process, because settings are read once per process and this one
runs on PostgreSQL.
"""

import json

from tests.processes import clean_environment, run_django

SCRIPT = """
import io, json, threading, uuid
from django.core.management import call_command
from django.db import connections
from domains.reputation.models import Rating
from domains.reputation.services import rating_give

call_command("migrate", database="reputation", verbosity=0)
ratee = uuid.uuid4()
for number in range(40):
    rating_give(rater_id=uuid.uuid4(), ratee_id=ratee, context_type="session",
                context_id=str(number), score=4)
connection = connections["reputation"]

def names():
    with connection.cursor() as cursor:
        return sorted(connection.introspection.get_constraints(cursor, "reputation_rating"))

before, seen, done = names(), [], threading.Event()

def read():
    while not done.is_set():
        seen.append(Rating.objects.using("reputation").count())
    connections.close_all()

reader = threading.Thread(target=read)
reader.start()
out = io.StringIO()
call_command("rebuild_projection", "reputation.ratings", "--batch-size", "7", stdout=out)
done.set()
reader.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    tables = [name for (name,) in cursor.fetchall()]
print(json.dumps({
    "count": Rating.objects.using("reputation").count(), "min_seen": min(seen),
    "reads": len(seen), "same_names": names() == before, "tables": tables,
    "out": out.getvalue(),
}))
"""


def test_the_embedded_store_records_projects_and_rebuilds_on_sqlite(tmp_path):
    env = clean_environment(SERVICE="reputation", DATA_DIR=str(tmp_path))
    result = run_django(SCRIPT, env, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["count"] == 40
    assert outcome["reads"] > 0 and outcome["min_seen"] == 40
    assert outcome["same_names"]
    # The events live in the alias's own file, under the application's name.
    assert {"reputationapplication_events", "reputationapplication_snapshots"} <= set(
        outcome["tables"]
    )
    assert not any(name.endswith(("__rebuild", "__old")) for name in outcome["tables"])
    assert "swapped in at position 41" in outcome["out"]
    assert (tmp_path / "reputation.sqlite3").exists()
