"""Appends commit in parallel on PostgreSQL, yet a reader of the notification log never
sees an id before a smaller one that is still to commit: the relay and the projections
move their position forward and never look back, so such an id would be lost to them.
"""

import threading
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.db import connections, transaction

from domains.reputation.application import ReputationApplication
from domains.reputation.domain.ledger import MemberLedger
from eventing.eventstore import get_application
from tests.eventstore.fixtures import empty

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
