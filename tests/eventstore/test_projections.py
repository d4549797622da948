"""Projections: each event's effect exists exactly once, whatever crashes or runs twice,
and a rebuild swaps in a fresh table without readers ever seeing it empty."""

import io
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.models import Rating
from domains.reputation.projections import RatingsProjection
from eventing.models import ProjectionPosition
from eventing.projections import projection_catch_up, projection_rebuild, projection_run_batch
from tests.processes import REPO, clean_environment, database_urls_for

GIVEN_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def record_ratings(app, count: int, *, ratee=None) -> MemberLedger:
    """``count`` ratings of one member, recorded in the event store only (no projection)."""
    ledger = MemberLedger(member_id=ratee or uuid4())
    for number in range(count):
        ledger.give_rating(
            rater_id=uuid4(), context_type="session", context_id=str(number), score=3,
            comment="", given_at=GIVEN_AT,
        )  # fmt: skip
    app.save(ledger)
    return ledger


def position() -> int:
    row = ProjectionPosition.objects.using("reputation").filter(name=RatingsProjection.name)
    return row.values_list("position", flat=True).first() or 0


class CrashingProjection(RatingsProjection):
    """Crashes on the third rating, after applying two in the same batch."""

    def apply_batch(self, domain_events):
        super().apply_batch(domain_events[:3])  # the ledger opened, two ratings
        assert Rating.objects.using("reputation").count() == 2
        raise RuntimeError("crash mid-batch")


@pytest.mark.django_db(databases=["reputation"])
def test_a_crash_mid_batch_leaves_nothing_and_a_second_run_applies_nothing(ledger_app):
    record_ratings(ledger_app, 5)  # notifications 1 (opened) .. 6

    with pytest.raises(RuntimeError):
        projection_run_batch(projection=CrashingProjection())
    assert Rating.objects.using("reputation").count() == 0
    assert position() == 0

    assert projection_run_batch(projection=RatingsProjection(), limit=3) == 3
    assert (Rating.objects.using("reputation").count(), position()) == (2, 3)
    assert projection_catch_up(projection=RatingsProjection()) == 3
    assert projection_catch_up(projection=RatingsProjection()) == 0
    assert Rating.objects.using("reputation").count() == 5
    assert position() == ledger_app.recorder.max_notification_id() == 6


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_concurrent_runners_apply_each_event_once(ledger_app):
    for _ in range(4):
        record_ratings(ledger_app, 25)
    connections.close_all()  # back to the pool: the runners' threads need connections
    errors = []

    def run() -> None:
        try:
            projection_catch_up(projection=RatingsProjection(), limit=7)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    runners = [threading.Thread(target=run) for _ in range(4)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert errors == []
    assert Rating.objects.using("reputation").count() == 100
    assert position() == ledger_app.recorder.max_notification_id()


def constraint_names(table: str) -> set[str]:
    connection = connections["reputation"]
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_a_rebuild_never_shows_readers_an_empty_table(ledger_app):
    for _ in range(6):
        record_ratings(ledger_app, 50)
    projection_catch_up(projection=RatingsProjection())
    before = Rating.objects.using("reputation").count()
    names = constraint_names(Rating._meta.db_table)
    seen: list[int] = []
    rebuilding = threading.Event()
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                count = Rating.objects.using("reputation").count()
                if rebuilding.is_set():
                    seen.append(count)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    out = io.StringIO()
    rebuilding.set()
    call_command("rebuild_projection", RatingsProjection.name, "--batch-size", "25", stdout=out)
    done.set()
    reader.join()

    assert before == 300
    assert len(seen) > 10, "the reader did not read during the rebuild"
    assert min(seen) >= before
    assert Rating.objects.using("reputation").count() == before
    # Django's migrations find the indexes and constraints under their names again.
    assert constraint_names(Rating._meta.db_table) == names
    assert "306/306 (100%)" in out.getvalue()
    assert "swapped in at position 306" in out.getvalue()


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_events_recorded_during_a_rebuild_are_in_the_swapped_table(ledger_app):
    record_ratings(ledger_app, 10)
    late = []

    def record_one_late(progress) -> None:
        if not late:
            late.append(record_ratings(ledger_app, 1))

    projection_rebuild(projection_class=RatingsProjection, batch_size=4, progress=record_one_late)
    assert Rating.objects.using("reputation").count() == 11
    assert Rating.objects.using("reputation").filter(ratee_id=late[0].member_id).exists()
    assert position() == ledger_app.recorder.max_notification_id() == 13
    assert projection_catch_up(projection=RatingsProjection()) == 0


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_the_runner_loop_exits_cleanly_on_sigterm(ledger_app):
    record_ratings(ledger_app, 3)
    env = clean_environment(SERVICE="reputation", **database_urls_for("reputation"))
    child = subprocess.Popen(
        [sys.executable, "manage.py", "run_projections", "--loop", "--interval", "0.1"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while Rating.objects.using("reputation").count() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, stderr
    assert "reputation.ratings: applied 4 events" in stdout  # opened + 3 ratings


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_the_runner_loop_outlives_its_database_connections_being_dropped(ledger_app):
    """A PostgreSQL restart or failover ends the runner's connections; it must carry on."""
    record_ratings(ledger_app, 3)
    env = clean_environment(SERVICE="reputation", **database_urls_for("reputation"))
    child = subprocess.Popen(
        [sys.executable, "manage.py", "run_projections", "--loop", "--interval", "0.1"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def wait_for(ratings: int) -> None:
        deadline = time.monotonic() + 60
        while Rating.objects.using("reputation").count() < ratings:
            assert child.poll() is None, child.communicate()[1]
            assert time.monotonic() < deadline, f"fewer than {ratings} ratings projected"
            time.sleep(0.1)

    try:
        wait_for(3)
        with connections["reputation"].cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [connections["reputation"].settings_dict["NAME"]],
            )
        record_ratings(ledger_app, 2)
        wait_for(5)
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, stderr


@pytest.mark.parametrize("command", ["rebuild_projection", "run_projections"])
def test_an_unknown_projection_is_refused_naming_the_known_ones(command):
    with pytest.raises(CommandError, match=r"reputation\.ratings"):
        call_command(command, "reputation.nope")
