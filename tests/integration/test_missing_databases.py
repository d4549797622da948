"""Missing PostgreSQL databases: ``migrate_all`` creates them, and every command names them.

Each test uses database names of its own (a random prefix) on the suite's server and
drops what it created.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from tests.processes import REPO, clean_environment

SERVER = os.environ.get("DATABASE_SERVER_URL", "")
pytestmark = pytest.mark.skipif(not SERVER, reason="needs DATABASE_SERVER_URL (PostgreSQL)")


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def _exists(name: str) -> bool:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(found.fetchone())


@pytest.fixture
def prefix():
    value = f"h18_missing_{uuid.uuid4().hex[:8]}_"
    yield value
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (value + "%",)
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrate_all_creates_missing_databases_on_a_server_of_ones_own(prefix):
    env = clean_environment(
        SERVICE="governance", DATABASE_SERVER_URL=SERVER, DATABASE_NAME_PREFIX=prefix
    )
    assert not _exists(prefix + "governance")
    result = _manage("migrate_all", "--create-databases", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Created database '{prefix}governance'" in result.stdout
    assert _exists(prefix + "governance")
    # Again: nothing to create, nothing fails.
    again = _manage("migrate_all", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Created database" not in again.stdout


def test_a_database_named_by_its_own_url_is_reported_by_name_not_created(prefix):
    name = prefix + "governance"
    env = clean_environment(SERVICE="governance", DATABASE_URL_GOVERNANCE=f"{SERVER}/{name}")
    result = _manage("migrate_all", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"'{name}' (alias governance)" in result.stderr
    assert "--create-databases" in result.stderr
    assert not _exists(name)
    created = _manage("migrate_all", "--create-databases", env=env)
    assert created.returncode == 0, created.stderr[-3000:]
    assert _exists(name)


def test_any_command_names_the_missing_database_instead_of_the_pools_timeout(prefix):
    name = prefix + "governance"
    env = clean_environment(
        SERVICE="governance", DATABASE_URL_GOVERNANCE=f"{SERVER}/{name}",
        DATABASE_POOL_TIMEOUT="1",
    )  # fmt: skip
    result = _manage("governance_register", "verify", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "couldn't get a connection" not in result.stderr
    assert f"database '{name}' (alias governance) does not exist" in result.stderr
