"""A statement write commits within ``LRS_WRITE_TIMEOUT_SECONDS`` of its ``stored``
instant or not at all, which is what ``X-Experience-API-Consistent-Through`` (now minus
the bound and the commit's allowance) promises: a statement stored before that instant
is visible, or never will be. A write that outlives the bound answers 503 with
``Retry-After`` and stores nothing, whether one statement of it ran too long (its
``statement_timeout``) or it stalled between statements; waiting for the write lock
before it starts (SQLite) does not count.

The stalls are real: other connections hold the tables the write inserts into.
"""

import json
import threading
import time
from datetime import datetime, timedelta

import psycopg
import pytest
from django.utils import timezone

from common.databases import unpooled_connection_params
from domains.learning.models import Statement
from domains.learning.services.statements import COMMIT_ALLOWANCE_SECONDS
from domains.learning.tests.xapi.conftest import new_id, statement
from eventing.models import OutboxMessage
from tests.processes import clean_environment, run_django

ALIAS = "learning"
BOUND = 60.0  # seconds any wait here may take on a loaded machine


def _locker() -> psycopg.Connection:
    """Another session of the learning database, in a transaction of its own."""
    return psycopg.connect(**unpooled_connection_params(ALIAS))


def _lock(connection: psycopg.Connection, model) -> None:
    """Hold ``model``'s table so that inserts into it wait until ``connection`` ends."""
    connection.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE MODE")


def _wait_until_a_session_waits_on_a_lock(other_than: set[int]) -> int:
    """The pid of a session of this database that came to wait on a lock."""
    deadline = time.monotonic() + BOUND
    with _locker() as watcher:
        watcher.autocommit = True
        while time.monotonic() < deadline:
            rows = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).fetchall()
            waiting = {pid for (pid,) in rows} - other_than
            if waiting:
                return waiting.pop()
            time.sleep(0.02)
    raise AssertionError("no session came to wait on the held table")


def _assert_refused_in_time(response, statement_id: str, lrs) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/unavailable"
    assert int(response["Retry-After"]) >= 1
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert "X-Experience-API-Consistent-Through" in response
    assert lrs.get("statements", {"statementId": statement_id}).status_code == 404
    assert not Statement.objects.using(ALIAS).filter(id=statement_id).exists()


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_a_statement_of_the_write_running_past_the_bound_is_503_and_stores_nothing(lrs, settings):
    settings.LRS_WRITE_TIMEOUT_SECONDS = 1.0
    statement_id = new_id()
    with _locker() as holder:
        _lock(holder, Statement)  # the insert waits until its statement_timeout
        response = lrs.post(statement(id=statement_id))
    _assert_refused_in_time(response, statement_id, lrs)
    settings.LRS_WRITE_TIMEOUT_SECONDS = 5.0  # a loaded machine's write may take a second
    assert lrs.post(statement(id=statement_id)).status_code == 200  # the retry is stored


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_a_write_stalling_between_statements_past_the_bound_is_503_and_stores_nothing(
    lrs, settings
):
    """Each wait stays under the bound (no statement times out); together they pass it."""
    settings.LRS_WRITE_TIMEOUT_SECONDS = bound = 4.0
    each = bound * 0.6
    statement_id = new_id()
    failures: list[BaseException] = []
    with _locker() as statements, _locker() as outbox:
        _lock(statements, Statement)
        _lock(outbox, OutboxMessage)
        holders = {statements.info.backend_pid, outbox.info.backend_pid}

        def release_in_turn() -> None:
            try:
                for holder in (statements, outbox):
                    _wait_until_a_session_waits_on_a_lock(holders)
                    time.sleep(each)
                    holder.rollback()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        releaser = threading.Thread(target=release_in_turn)
        releaser.start()
        response = lrs.post(statement(id=statement_id))
        releaser.join(BOUND)
    assert failures == []
    _assert_refused_in_time(response, statement_id, lrs)


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_consistent_through_lags_now_by_the_bound_and_the_commit_allowance(lrs, settings):
    settings.LRS_WRITE_TIMEOUT_SECONDS = 5.0
    before = timezone.now()
    response = lrs.get("statements")
    after = timezone.now()
    through = datetime.fromisoformat(
        response["X-Experience-API-Consistent-Through"].replace("Z", "+00:00")
    )
    lag = timedelta(seconds=5.0 + COMMIT_ALLOWANCE_SECONDS)
    assert before - lag <= through <= after - lag


#: On SQLite: another connection holds the write lock for longer than the bound; the
#: write waits for it, then stores its statement with ``stored`` after the wait.
SQLITE_SCRIPT = """
import json, sqlite3, threading, time, uuid
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from domains.learning.services.statements import statements_store
from domains.learning.selectors import statement_get
from domains.learning.tests.xapi.conftest import new_id, statement

call_command("migrate", database="learning", verbosity=0)
holder = sqlite3.connect(connections["learning"].settings_dict["NAME"], check_same_thread=False)
holder.execute("BEGIN IMMEDIATE")
released = []

def release():
    time.sleep(settings.LRS_WRITE_TIMEOUT_SECONDS * 2)
    released.append(timezone.now())
    holder.rollback()

threading.Thread(target=release).start()
statement_id = new_id()
authority = {"objectType": "Agent", "mbox": "mailto:lms@example.com"}
statements_store(statements=[statement(id=statement_id)], authority=authority, batch=False)
row = statement_get(statement_id=uuid.UUID(statement_id), voided=False)
print(json.dumps({"stored": row.stored.isoformat(), "released": released[0].isoformat()}))
"""


def test_on_sqlite_waiting_for_the_write_lock_is_not_part_of_the_bound(tmp_path):
    env = clean_environment(
        SERVICE="learning", DATA_DIR=str(tmp_path), LRS_WRITE_TIMEOUT_SECONDS="1"
    )
    result = run_django(SQLITE_SCRIPT, env, timeout=240)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert datetime.fromisoformat(outcome["stored"]) >= datetime.fromisoformat(outcome["released"])
