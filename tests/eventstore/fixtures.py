"""Fixtures for tests that record events: an empty store per test.

The event store writes on Django's connection, so a test's events roll back with its
transaction; tests that commit (``transaction=True``, child processes) leave events
behind, so the tables are emptied before and after each test that asks for
``ledger_app``, and notifications are numbered from 1 again.

Imported by the conftest of each test package that records events.
"""

import pytest
from django.db import connections

from common.clock import SettableClock
from domains.reputation.application import ReputationApplication
from eventing.eventstore import DomainApplication, get_application


def empty(app: DomainApplication) -> None:
    """Delete every event (and snapshot, where the store keeps them), and number
    notifications from 1 again.

    DELETE, not TRUNCATE: a test's own transaction may still hold a read lock on the
    table, which TRUNCATE would wait for (until after this fixture) but DELETE does not.
    """
    events = f"{app.name.lower()}_events"
    tables = [events] + ([f"{app.name.lower()}_snapshots"] if app.snapshots is not None else [])
    with connections[app.database_alias].cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), 1, false)", [events]
        )


#: The settable clock the ``clock`` fixtures put in force (``common.clock``).
Clock = SettableClock


@pytest.fixture
def ledger_app() -> ReputationApplication:
    """The reputation event store, empty."""
    app = get_application(ReputationApplication)
    empty(app)
    yield app
    empty(app)
