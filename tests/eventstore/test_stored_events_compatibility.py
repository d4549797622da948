"""Events stored by the library's own PostgreSQL recorder (what every database holds
from before the recorders moved onto Django's connection) read the same, and new
appends continue their notification log."""

import pytest
from django.db import connections
from eventsourcing.application import Application

from eventing.eventstore import DomainApplication
from tests.eventstore.test_eventstore import Counter


class Stored(DomainApplication):
    """Named like the library-built application below: the same tables."""

    database_alias = "reputation"


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_events_the_library_stored_read_and_their_log_continues():
    settings = connections["reputation"].settings_dict
    library_env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": settings["NAME"],
        "POSTGRES_HOST": settings["HOST"] or "127.0.0.1",
        "POSTGRES_PORT": str(settings["PORT"] or 5432),
        "POSTGRES_USER": settings["USER"],
        "POSTGRES_PASSWORD": settings["PASSWORD"] or "",
    }
    try:
        library = type("Stored", (Application,), {})(env=library_env)
        counter = Counter()
        counter.increment()
        library.save(counter)
        library_ids = [n.id for n in library.recorder.select_notifications(start=1, limit=10)]
        library.close()

        app = Stored()
        assert app.repository.get(counter.id).count == 1
        assert [n.id for n in app.recorder.select_notifications(start=1, limit=10)] == library_ids
        again = app.repository.get(counter.id)
        again.increment()
        (recording,) = app.save(again)
        assert recording.notification.id > max(library_ids)
        assert app.repository.get(counter.id).count == 2
    finally:
        with connections["reputation"].cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS stored_events")
