"""Appends commit in parallel on PostgreSQL, yet a reader of the notification log never
sees an id before a smaller one that is still to commit: the relay and the projections
move their position forward and never look back, so such an id would be lost to them.
"""

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from uuid import uuid4

import psycopg
import pytest
from django.db import connections, transaction

from common.databases import unpooled_connection_params
from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from eventing.eventstore import ConcurrencyConflict, get_application
from tests.eventstore.fixtures import empty
from tests.processes import REPO, clean_environment, database_urls_for, run_django

GIVEN_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ALIAS = "reputation"
BOUND = 60.0  # seconds: generous, the machine may be loaded


class UnprojectedLedgers(ReputationApplication):
    """Ledgers no projection follows: its appends take no position lock and race freely
    (the reputation store's own appends take turns on their projection's position)."""

    snapshotting_intervals = {}


@pytest.fixture
def store():
    app = get_application(UnprojectedLedgers)
    app.recorder.max_notification_id()  # creates its tables (committed: no transaction)
    empty(app)
    yield app
    empty(app)
    connections.close_all()


def _ledger_with_rating() -> MemberLedger:
    ledger = MemberLedger(member_id=uuid4())
    ledger.give_rating(
        rater_id=uuid4(), context_type="session", context_id="1", score=4, comment="",
        given_at=GIVEN_AT,
    )  # fmt: skip
    return ledger


def _ids_after(app, position: int) -> list[int]:
    return [n.id for n in app.recorder.select_notifications(start=position + 1, limit=1000)]


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_an_id_committed_before_a_smaller_one_is_held_back_until_that_one_commits(store):
    appended, release, failures = threading.Event(), threading.Event(), []

    def slow_writer() -> None:
        try:
            with transaction.atomic(using=ALIAS):
                store.save(_ledger_with_rating())
                appended.set()
                assert release.wait(BOUND)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert appended.wait(BOUND)
    store.save(_ledger_with_rating())  # later ids, committed first

    held_back = _ids_after(store, 0)
    release.set()
    slow.join(BOUND)
    assert failures == []
    assert held_back == [], "a reader saw ids above one still in flight"
    assert _ids_after(store, 0) == [1, 2, 3, 4]  # the slow writer's ledger holds 1, 2


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_within_its_transaction_a_writer_reads_its_own_ids_when_no_smaller_one_is_in_flight(
    store,
):
    with transaction.atomic(using=ALIAS):
        store.save(_ledger_with_rating())
        assert _ids_after(store, 0) == [1, 2]


def _two_copies_with_a_rating_each(app) -> tuple[MemberLedger, MemberLedger]:
    """Two writers' copies of one stored ledger, each given its own next rating."""
    ledger = MemberLedger(member_id=uuid4())
    app.save(ledger)
    copies = app.repository.get(ledger.id), app.repository.get(ledger.id)
    for copy in copies:
        copy.give_rating(
            rater_id=uuid4(), context_type="session", context_id="1", score=4, comment="",
            given_at=GIVEN_AT,
        )  # fmt: skip
    return copies


def _advisory_locks() -> list[tuple]:
    """Advisory locks held in this test's database by any session."""
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT pid, mode FROM pg_locks WHERE locktype = 'advisory' "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchall()


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_a_writer_waiting_on_a_conflicting_append_does_not_hold_up_readers(store):
    """A writer whose version another transaction has inserted but not committed waits
    for it; meanwhile readers (the relay, the projections) must go on reading."""
    first, second = _two_copies_with_a_rating_each(store)
    [event] = first.collect_events()
    row = store.mapper.to_stored_event(event)
    outcomes = {}

    def second_writer() -> None:
        try:
            store.save(second)
            outcomes["second"] = "committed"
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            outcomes["second"] = exc
        finally:
            connections.close_all()

    params = unpooled_connection_params(ALIAS)
    # The other writer, holding its version uncommitted (its own connection: the
    # test's pool has two, for this thread and the writer's).
    with psycopg.connect(**params) as other:
        other.execute(
            f"INSERT INTO {store.recorder.events_table_name} "  # noqa: S608
            "(originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)",
            [row.originator_id, row.originator_version, row.topic, row.state],
        )
        writer = threading.Thread(target=second_writer)
        writer.start()
        waiting = _wait_until_waiting_on_a_transaction(BOUND)
        with connections[ALIAS].cursor() as cursor:
            # A reader stuck behind the writer would wait for ever (the other writer
            # commits only after the read): fail in bounded time instead.
            cursor.execute(f"SET lock_timeout = '{int(BOUND)}s'")
        try:
            read = _ids_after(store, 0)
        finally:
            with connections[ALIAS].cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        still_waiting = writer.is_alive()
        other.commit()
    writer.join(BOUND)
    assert waiting, "the second writer never waited for the other one's version"
    assert still_waiting
    assert read == [1], read  # the stored ledger's opening; the rest is not committed
    assert isinstance(outcomes["second"], ConcurrencyConflict)
    assert [e.originator_version for e in store.events.get(first.id)] == [1, 2]


def _wait_until_waiting_on_a_transaction(bound: float) -> bool:
    """Whether some session of this database came to wait for another's transaction
    (a unique-key check on an uncommitted row) within ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'transactionid'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_a_refused_append_records_none_of_its_events_and_leaves_no_lock(store):
    """A save of a new ledger and a stale one: the stale one is refused, and the new
    one's events, appended in the same query, are not recorded either."""
    winner, loser = _two_copies_with_a_rating_each(store)
    store.save(winner)

    alone = _ledger_with_rating()
    with pytest.raises(ConcurrencyConflict):
        store.save(alone, loser)  # on its own: one query, its own transaction
    assert _advisory_locks() == []

    loser = store.repository.get(winner.id, version=1)
    loser.give_rating(
        rater_id=uuid4(), context_type="session", context_id="2", score=2, comment="",
        given_at=GIVEN_AT,
    )  # fmt: skip
    inside, after = _ledger_with_rating(), _ledger_with_rating()
    with transaction.atomic(using=ALIAS):
        with pytest.raises(ConcurrencyConflict):
            store.save(inside, loser)  # inside a caller's transaction
        store.save(after)  # which survives the refusal
    assert _advisory_locks() == []

    stored = {
        (n.originator_id, n.originator_version) for n in store.recorder.select_notifications(1, 100)
    }
    assert stored == {(winner.id, 1), (winner.id, 2), (after.id, 1), (after.id, 2)}
    assert store.repository.get(winner.id).given == winner.given  # the winner's rating only


#: A writer process: one-event saves (one prepared statement each), each committed
#: after a short random pause, so that commits land out of the order of their ids.
_RACING_WRITER = """
import random, time
from datetime import UTC, datetime
from uuid import uuid4
from django.db import connections, transaction
from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from eventing.eventstore import get_application

class UnprojectedLedgers(ReputationApplication):
    snapshotting_intervals = {}

app = get_application(UnprojectedLedgers)
ledger = MemberLedger(member_id=uuid4())
app.save(ledger)
for n in range(SAVES):
    ledger.give_rating(
        rater_id=uuid4(), context_type="session", context_id=str(n), score=4, comment="",
        given_at=datetime(2026, 11, 28, tzinfo=UTC),
    )
    with transaction.atomic(using="reputation"):
        app.save(ledger)
        time.sleep(random.random() / 500)
with connections["reputation"].cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    print("prepared", cursor.fetchone()[0])
"""


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_a_reader_racing_writers_whose_commits_land_out_of_order_misses_no_id(store):
    """Three writer processes append while the test reads the log as the relay does,
    moving its position to the last id it saw and never looking back."""
    saves = 150
    env = {
        **clean_environment(SERVICE="reputation", **database_urls_for(ALIAS)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    script = "import django\ndjango.setup()\n" + _RACING_WRITER.replace("SAVES", str(saves))
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    seen: list[int] = []
    deadline = time.monotonic() + BOUND * 3
    while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
        seen += _ids_after(store, seen[-1] if seen else 0)
    outputs = [w.communicate(timeout=BOUND) for w in writers]
    seen += _ids_after(store, seen[-1] if seen else 0)

    assert [w.returncode for w in writers] == [0, 0, 0], [err for _, err in outputs]
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(
            f"SELECT notification_id FROM {store.recorder.events_table_name} "  # noqa: S608
            "ORDER BY notification_id"
        )
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 3 * (saves + 1)
    assert seen == stored  # every id, once, in order: none committed behind the reader
    # Each writer's one-event append was prepared once on its connection and reused.
    assert [out.split() for out, _ in outputs] == [["prepared", "1"]] * 3


@pytest.mark.django_db(databases=[ALIAS], transaction=True)
def test_with_prepared_statements_off_an_append_prepares_nothing(store):
    """Behind a pooler that cannot keep prepared statements (PgBouncer in transaction
    mode before 1.21), ``DATABASE_PREPARED_STATEMENTS=false`` turns them off."""
    env = clean_environment(
        SERVICE="reputation", DATABASE_PREPARED_STATEMENTS="false", **database_urls_for(ALIAS)
    )
    result = run_django(_RACING_WRITER.replace("SAVES", "3"), env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["prepared", "0"]
    assert len(_ids_after(store, 0)) == 4  # the ledger's opening and its three ratings
