"""Concurrent writers (real transactions, one connection per thread): batches that
share agents and activities never deadlock or fail, and two writers of one statement
id end with one stored statement (identical content: both succeed; different: 409)."""

import random
import threading
import uuid

import psycopg
import pytest
from django.db import connections

from contracts.learning.v1 import StatementVoided
from domains.learning.models import Activity, Statement
from domains.learning.tests.xapi.conftest import new_id, statement
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True, databases=["learning"])

AGENTS = [{"mbox": f"mailto:learner{i}@example.com"} for i in range(3)]
ACTIVITIES = [f"https://learn.example.org/shared/{i}" for i in range(6)]


def _run(workers: int, job) -> list:
    results: list = []
    barrier = threading.Barrier(workers)

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.extend(job(n))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_batches_sharing_agents_and_activities(lrs):
    def job(n: int):
        rng = random.Random(n)  # noqa: S311 - reproducible shuffles, not secrets
        statuses = []
        for _ in range(5):
            batch = []
            for _ in range(20):
                activity = {
                    "id": rng.choice(ACTIVITIES) + f"?v={rng.randint(0, 3)}",
                    "definition": {"name": {"en": "shared"}},
                }
                parents = [{"id": a} for a in rng.sample(ACTIVITIES, 3)]
                context = {
                    "contextActivities": {"parent": parents},
                    "instructor": rng.choice(AGENTS),
                }
                batch.append(statement(actor=rng.choice(AGENTS), object=activity, context=context))
            statuses.append(lrs.post(batch).status_code)
        return statuses

    statuses = _run(4, job)
    assert statuses == [200] * 20
    assert Statement.objects.count() == 4 * 5 * 20
    assert (
        Activity.objects.filter(iri__startswith="https://learn.example.org/shared/").count() <= 30
    )


@pytest.mark.parametrize("same_content", [True, False])
def test_two_writers_of_one_id(lrs, same_content):
    statement_id = new_id()

    def job(n: int):
        verb = (
            "http://adlnet.gov/expapi/verbs/completed"
            if same_content or n == 0
            else (f"http://adlnet.gov/expapi/verbs/v{n}")
        )
        return [lrs.put(statement_id, statement(verb={"id": verb})).status_code]

    statuses = sorted(_run(2, job))
    assert statuses == ([204, 204] if same_content else [204, 409])
    assert Statement.objects.filter(id=uuid.UUID(statement_id)).count() == 1


def test_concurrent_voiding_of_one_statement_voids_it_once(lrs):
    [target] = lrs.post(statement()).json()

    def job(n: int):
        voiding = statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": target},
        )
        return [lrs.post(voiding).status_code]

    assert _run(3, job) == [200, 200, 200]
    assert Statement.objects.get(id=target).voided is True
    voided = OutboxMessage.objects.using("learning").filter(event_type=StatementVoided.TYPE)
    assert voided.count() == 1


def test_concurrent_batches_extending_one_activity_definition_lose_no_language(lrs):
    """Each writer adds its own languages to the same activities, in shuffled batch
    orders: known definitions are extended under row locks taken in IRI order, so
    every batch succeeds (no deadlock) and every language is there at the end. (The
    lost update a missing lock would allow is forced by the next test.)"""
    if connections["learning"].vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (the embedded SQLite takes one writer)")
    languages = ["en-US", "fr-FR", "de-DE", "es-ES"]
    lrs.post(statement(object={"id": ACTIVITIES[0], "definition": {"name": {"it-IT": "a"}}}))

    def job(n: int):
        rng = random.Random(n)  # noqa: S311 - reproducible shuffles, not secrets
        statuses = []
        for round_ in range(4):
            batch = [
                statement(object={"id": iri, "definition": {
                    "name": {languages[n]: f"{n}"},
                    "description": {f"{languages[n]}-x-r{round_}": "d"}}})
                for iri in rng.sample(ACTIVITIES, len(ACTIVITIES))
            ]  # fmt: skip
            statuses.append(lrs.post(batch).status_code)
        return statuses

    assert _run(len(languages), job) == [200] * (len(languages) * 4)
    for activity in Activity.objects.filter(iri__in=ACTIVITIES):
        name = activity.definition["name"]
        assert set(languages) <= set(name), (activity.iri, name)
        assert len(activity.definition["description"]) == len(languages) * 4
    assert Activity.objects.get(iri=ACTIVITIES[0]).definition["name"]["it-IT"] == "a"


def test_a_definition_extended_while_another_writer_holds_it_keeps_both_languages(lrs):
    """Writer A extends an activity's name and holds its transaction open; writer B
    extends the same name meanwhile. B must wait for A's row lock and merge into what A
    committed: a read-merge-write without the lock would overwrite A's language."""
    from django.db import transaction

    from domains.learning.services.statements import statements_store

    if connections["learning"].vendor != "postgresql":
        pytest.skip("watches PostgreSQL's lock waits")

    iri = ACTIVITIES[1]
    lrs.post(statement(object={"id": iri, "definition": {"name": {"en-US": "base"}}}))
    authority = {"objectType": "Agent", "mbox": "mailto:writer@example.com"}
    a_stored, release = threading.Event(), threading.Event()
    errors: list = []

    def write(language: str) -> None:
        body = statement(object={"id": iri, "definition": {"name": {language: language}}})
        statements_store(statements=[body], authority=authority, batch=False)

    def writer_a() -> None:
        try:
            with transaction.atomic(using="learning"):
                write("fr-FR")
                a_stored.set()
                assert release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    def writer_b() -> None:
        try:
            assert a_stored.wait(timeout=30)
            write("de-DE")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    db = connections["learning"].settings_dict
    connections.close_all()  # the pool's connections are for the two writers
    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    assert a_stored.wait(timeout=30)
    # B is waiting on A's row lock (or, were there none, on A's update of the row);
    # watched from a connection of its own, outside the pool.
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"] or 5432, autocommit=True,
    ) as watcher:  # fmt: skip
        for _ in range(600):
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone()[0]
            if waiting:
                break
            threading.Event().wait(0.05)
        else:
            release.set()
            pytest.fail("writer B never waited for writer A")
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    name = Activity.objects.get(iri=iri).definition["name"]
    assert name == {"en-US": "base", "fr-FR": "fr-FR", "de-DE": "de-DE"}
