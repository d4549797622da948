"""Concurrent writers (real transactions, one connection per thread): batches that
share agents and activities never deadlock or fail, and two writers of one statement
id end with one stored statement (identical content: both succeed; different: 409)."""

import random
import threading
import uuid

import pytest
from django.db import connections

from contracts.learning.v1 import StatementVoided
from domains.learning.models import Activity, Statement
from eventing.models import OutboxMessage
from tests.xapi.conftest import new_id, statement

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
