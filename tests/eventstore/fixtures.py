"""Fixtures for tests that record events: an empty store per test.

The event store commits on its own connections, outside the test's transaction, so
its tables are emptied before and after each test that asks for ``ledger_app``. (The
root conftest closes the stores' pools before pytest-django drops the test databases.)

Imported by the conftest of each test package that records events.
"""

from datetime import datetime, timedelta

import pytest
from psycopg import sql

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
    with app.recorder.datastore.transaction(commit=True) as cursor:
        for table in tables:
            cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), 1, false)", [events]
        )


class Clock:
    """A settable clock for services that take their time from a module-level ``clock``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def ledger_app() -> ReputationApplication:
    """The reputation event store, empty."""
    app = get_application(ReputationApplication)
    empty(app)
    yield app
    empty(app)
