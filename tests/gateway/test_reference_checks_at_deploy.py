"""The route checks run where a deploy notices them: ``migrate_all`` (the migration
job of every rollout) fails on a route row naming a view or translator that does not
exist, and a fresh database still migrates, although the checks run before
``migrate`` creates the route table.

Run as ``manage.py`` commands on SQLite files, as an operator would.
"""

import subprocess
import sys

from tests.processes import REPO, clean_environment, run_django


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def test_a_fresh_database_migrates_and_a_broken_route_stops_the_migration_job(tmp_path):
    env = clean_environment(DATA_DIR=str(tmp_path), DEBUG="true")
    fresh = manage("migrate", "--database", "default", "-v0", env=env)
    assert fresh.returncode == 0, fresh.stderr
    migrated = manage("migrate_all", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr

    # A row edited in the database, past the admin's and the API's validation.
    inserted = run_django(
        "from gateway.models import Route\n"
        "Route.objects.create(method='GET', path_pattern='/api/spacez',\n"
        "    legacy_target='/api/spacez', new_target='/api/v1/marketplace/spacez',\n"
        "    translator='spacez.list')\n",
        env,
    )
    assert inserted.returncode == 0, inserted.stderr

    again = manage("migrate_all", "-v0", env=env)
    assert again.returncode != 0
    assert "gateway.E002" in again.stderr and "'spacez.list'" in again.stderr
    assert "gateway.E003" in again.stderr and "/api/v1/marketplace/spacez" in again.stderr
    checked = manage("check", "--database", "default", env=env)
    assert checked.returncode != 0 and "gateway.E003" in checked.stderr
