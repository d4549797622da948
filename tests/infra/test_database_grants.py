"""The grants of the migration and application roles, applied for real.

OVHcloud's API creates the PostgreSQL users (terraform/modules/ovh-postgres: <alias>_migrator
and <alias>_app) but sets no grants. terraform/modules/ovh-postgres/sql/ holds them:
owner.sql (once, as the cluster admin) makes the migration role the database's owner;
grants.sql (as the migration role) gives the application role DML only, now and on every
table later migrations create. Here both files run with psql, exactly as the first-apply
runbook runs them, against a private database and private roles on the machine's
PostgreSQL; the admin is a non-superuser with CREATEROLE and CREATEDB, like OVHcloud's
avnadmin. Then each role tries what it must and must not be able to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from psycopg import errors, sql

from tests.infra.tools import REPO_ROOT

SQL = REPO_ROOT / "terraform" / "modules" / "ovh-postgres" / "sql"
SERVER = os.environ.get("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")
PREFIX = os.environ.get("DATABASE_NAME_PREFIX", "test_")


def psql(url: str, script: str, **variables: str) -> subprocess.CompletedProcess:
    psql_binary = shutil.which("psql")
    if psql_binary is None:
        pytest.fail("psql is required (Debian postgresql-client, installed with postgresql)")
    args = [psql_binary, url, "-X", "-q", "-f", str(SQL / script)]
    for name, value in variables.items():
        args += ["-v", f"{name}={value}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def cluster():
    """Roles and a database as OVHcloud leaves them: created by a non-superuser admin."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "admin": f"{PREFIX}avnadmin_{suffix}",
        "migrator": f"{PREFIX}x_migrator_{suffix}",
        "app": f"{PREFIX}x_app_{suffix}",
        "database": f"{PREFIX}grants_{suffix}",
    }
    base = SERVER.rstrip("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE CREATEDB").format(
                sql.Identifier(names["admin"])
            )
        )
    admin_url = url_for(names["admin"], "postgres")
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for role in ("migrator", "app"):
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(names[role])))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names["database"])))
        yield names
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(names["database"])
                )
            )
            for role in ("app", "migrator", "admin"):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(names[role])))


def url_for(user: str, database: str) -> str:
    scheme, _, rest = SERVER.partition("://")
    host = rest.rpartition("@")[2].rstrip("/")
    return f"{scheme}://{user}@{host}/{database}"


def refused(conn: psycopg.Connection, statement: str) -> bool:
    """True when PostgreSQL refuses the statement for lack of privilege (or ownership)."""
    try:
        if statement.startswith("CREATE DATABASE"):  # not allowed in a transaction block
            conn.execute(statement)
        else:
            with conn.transaction():
                conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_migration_role_owns_the_schema_and_the_app_role_only_reads_and_writes(cluster):
    database = cluster["database"]
    owner = psql(url_for(cluster["admin"], database), "owner.sql", **cluster)
    assert owner.returncode == 0, owner.stderr
    migrator_url = url_for(cluster["migrator"], database)
    grants = psql(migrator_url, "grants.sql", app=cluster["app"])
    assert grants.returncode == 0, grants.stderr

    # The migration role does what migrations do: create, alter, index, drop.
    with psycopg.connect(migrator_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE item (id bigserial PRIMARY KEY, name text NOT NULL)")
        conn.execute("ALTER TABLE item ADD COLUMN note text")
        conn.execute("CREATE INDEX item_name ON item (name)")
        conn.execute("CREATE TABLE scratch (id int)")
        conn.execute("DROP TABLE scratch")
        # ... and nothing of an administrator.
        assert refused(conn, f'CREATE ROLE "{cluster["migrator"]}_x"')
        assert refused(conn, 'CREATE DATABASE "x_never_created"')

    with psycopg.connect(url_for(cluster["app"], database), autocommit=True) as conn:
        conn.execute("INSERT INTO item (name) VALUES ('a'), ('b')")
        conn.execute("UPDATE item SET note = 'n' WHERE name = 'a'")
        conn.execute("DELETE FROM item WHERE name = 'b'")
        assert conn.execute("SELECT name, note FROM item").fetchall() == [("a", "n")]
        for statement in (
            "CREATE TABLE mine (id int)",
            # Even for a table that exists: what the event store runs at start-up
            # (eventing/eventstore.py) needs the migration role (docs/runbooks/migrations.md).
            "CREATE TABLE IF NOT EXISTS item (id bigserial PRIMARY KEY)",
            "ALTER TABLE item ADD COLUMN evil text",
            "DROP TABLE item",
            "TRUNCATE item",
            "CREATE INDEX evil ON item (note)",
            "CREATE SCHEMA mine",
            "CREATE TRIGGER t BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION now()",
        ):
            assert refused(conn, statement), statement

    # A table a later migration creates is usable at once (default privileges).
    with psycopg.connect(migrator_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE later (id bigserial PRIMARY KEY, v int)")
    with psycopg.connect(url_for(cluster["app"], database), autocommit=True) as conn:
        conn.execute("INSERT INTO later (v) VALUES (1)")
        assert conn.execute("SELECT v FROM later").fetchall() == [(1,)]
        assert refused(conn, "DROP TABLE later")


def test_without_the_grants_the_app_role_cannot_read(cluster):
    """The control: the OVHcloud users alone (no grants.sql) give the app role no rows."""
    database = cluster["database"]
    assert psql(url_for(cluster["admin"], database), "owner.sql", **cluster).returncode == 0
    with psycopg.connect(url_for(cluster["migrator"], database), autocommit=True) as conn:
        conn.execute("CREATE TABLE item (id int)")
    with psycopg.connect(url_for(cluster["app"], database), autocommit=True) as conn:
        assert refused(conn, "SELECT * FROM item")
