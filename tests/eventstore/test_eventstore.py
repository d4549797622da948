"""The event store: configured from each alias's settings, in that domain's database only,
ready in every worker process that starts, and a stale write is refused as a conflict
instead of overwriting."""

import subprocess
import sys
import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test.utils import CaptureQueriesContext
from eventsourcing.domain import Aggregate, event

from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.services import rating_give
from eventing.eventstore import (
    ConcurrencyConflict,
    DomainApplication,
    get_application,
    persistence_env,
)
from tests.processes import REPO, clean_environment, database_urls_for

GIVEN_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_the_store_follows_the_test_database_it_is_built_on():
    env = persistence_env("reputation")
    assert env["PERSISTENCE_MODULE"] == "eventing.eventstore_recorders:DjangoFactory"
    assert env["DJANGO_DATABASE_ALIAS"] == "reputation"
    # pytest-django renamed the database after every module was imported.
    assert env["DJANGO_DATABASE_NAME"] == connections["reputation"].settings_dict["NAME"]
    assert env["DJANGO_DATABASE_NAME"].startswith("test_")
    app = get_application(ReputationApplication)
    assert app.persistence == env
    assert get_application(ReputationApplication) is app


@pytest.mark.parametrize(
    ("config", "message"),
    [({"ENGINE": "django.db.backends.dummy"}, "has not configured")],
)
def test_a_database_the_store_cannot_share_is_refused_with_a_reason(
    settings, monkeypatch, config, message
):
    monkeypatch.setitem(settings.DATABASES, "scratch", config)
    with pytest.raises(ImproperlyConfigured, match=message):
        persistence_env("scratch")


def scratch_database(settings, monkeypatch, config: dict) -> None:
    """Add the alias ``scratch`` for this test, with Django's defaults filled in."""
    full = connections.configure_settings({"default": {}, "scratch": config})["scratch"]
    monkeypatch.setitem(settings.DATABASES, "scratch", full)
    monkeypatch.setitem(connections.settings, "scratch", full)


def test_an_in_memory_sqlite_database_holds_the_store_on_djangos_own_connection(
    settings, monkeypatch, django_db_blocker
):
    """Once refused (the store had a connection of its own, which cannot open Django's
    private in-memory database); now the store writes on Django's connection."""
    scratch_database(
        settings, monkeypatch, {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    )

    class MemoryApplication(DomainApplication):
        database_alias = "scratch"

    with django_db_blocker.unblock():
        try:
            app = MemoryApplication()
            counter = Counter()
            counter.increment()
            app.save(counter)
            assert app.repository.get(counter.id).count == 1
            assert app.recorder.max_notification_id() == 2
        finally:
            connections["scratch"].close()
            del connections["scratch"]


class Counter(Aggregate):
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


def test_on_sqlite_the_store_uses_the_alias_file_and_refuses_stale_writes(
    settings, monkeypatch, tmp_path, django_db_blocker
):
    path = tmp_path / "scratch.sqlite3"
    scratch_database(
        settings, monkeypatch, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    )

    class ScratchApplication(DomainApplication):
        database_alias = "scratch"

    with django_db_blocker.unblock(), ScratchApplication() as app:
        counter = Counter()
        app.save(counter)
        first, second = app.repository.get(counter.id), app.repository.get(counter.id)
        first.increment()
        second.increment()
        app.save(first)
        with pytest.raises(ConcurrencyConflict, match="Counter"):
            app.save(second)
        assert app.repository.get(counter.id).version == 2
        assert app.recorder.events_table_name == "scratchapplication_events"
        connections["scratch"].close()
        del connections["scratch"]
    assert path.stat().st_size > 0


@pytest.mark.django_db(databases=["reputation"])
def test_two_writers_from_the_same_version_one_wins_the_other_gets_a_conflict(ledger_app):
    ratee, rater_a, rater_b = uuid4(), uuid4(), uuid4()
    ledger_app.save(MemberLedger(member_id=ratee))
    ledger_id = MemberLedger.create_id(ratee)
    first, second = ledger_app.repository.get(ledger_id), ledger_app.repository.get(ledger_id)
    for ledger, rater in ((first, rater_a), (second, rater_b)):
        ledger.give_rating(
            rater_id=rater,
            context_type="session",
            context_id="1",
            score=4,
            comment="",
            given_at=GIVEN_AT,
        )
    ledger_app.save(first)
    with pytest.raises(ConcurrencyConflict, match="MemberLedger"):
        ledger_app.save(second)
    # The loser recorded nothing: the ledger holds the winner's rating only.
    stored = list(ledger_app.events.get(ledger_id))
    assert [type(e).__name__ for e in stored] == ["Opened", "RatingGiven"]
    assert stored[1].rater_id == rater_a


@pytest.mark.django_db(databases=["reputation"])
def test_events_saved_one_by_one_without_their_aggregate_are_recorded_in_order(ledger_app):
    """``save`` takes domain events as well as aggregates (a benchmark, an importer)."""
    ratee = uuid4()
    ledger = MemberLedger(member_id=ratee)
    for n in range(3):
        ledger.give_rating(
            rater_id=uuid4(), context_type="session", context_id=str(n), score=n + 2,
            comment="", given_at=GIVEN_AT,
        )  # fmt: skip
    events = ledger.collect_events()
    recordings = [ledger_app.save(e) for e in events]
    assert [[r.notification.originator_version for r in rs] for rs in recordings] == [
        [1], [2], [3], [4]
    ]  # fmt: skip
    stored = ledger_app.repository.get(MemberLedger.create_id(ratee))
    assert (stored.version, stored.score_total) == (4, 2 + 3 + 4)
    assert ledger_app.save(None) == []  # nothing to record
    with pytest.raises(ConcurrencyConflict):
        ledger_app.save(events[-1])


@pytest.mark.django_db(databases=["reputation"])
def test_a_query_log_shows_an_append_whole(ledger_app):
    """Django's query log (``DEBUG``, a test capturing queries) shows the append's SQL
    with its values: it is not sent as a prepared statement then."""
    ledger = MemberLedger(member_id=uuid4())
    with CaptureQueriesContext(connections["reputation"]) as queries:
        ledger_app.save(ledger)
    table = ledger_app.recorder.events_table_name
    [append] = [q["sql"] for q in queries.captured_queries if f"INSERT INTO {table}" in q["sql"]]
    assert ledger.id.hex in append.replace("-", "")


@pytest.mark.django_db(databases="__all__")
def test_events_are_stored_in_the_reputation_database_and_no_other(ledger_app):
    rating_give(rater_id=uuid4(), ratee_id=uuid4(), context_type="session", context_id="1", score=5)
    table = f"{ledger_app.name.lower()}_events"
    found = {}
    for alias in connections:
        if connections[alias].vendor != "postgresql":
            continue
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            (exists,) = cursor.fetchone()
            if exists:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                found[alias] = cursor.fetchone()[0]
    assert found == {"reputation": 2}  # the ledger opened, the rating given


STARTING_WORKER = """
import sys, time
from pathlib import Path
from domains.reputation.application import ReputationApplication
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
from django.db import connections
for _ in range(10):  # each start finds (or creates) the tables
    app = ReputationApplication()
    app.recorder.max_notification_id()
    app.close()
    connections.close_all()
"""


@pytest.mark.django_db(databases=["reputation"])
def test_worker_processes_starting_together_all_get_their_store(ledger_app, tmp_path):
    env = clean_environment(SERVICE="reputation", **database_urls_for("reputation"))
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", "import django; django.setup()\n" + STARTING_WORKER, go],
            cwd=REPO,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    time.sleep(3)  # let every worker import Django and wait for the signal
    go.touch()
    failures = [w.communicate(timeout=60)[1] for w in workers if w.wait(timeout=60) != 0]
    assert failures == []
