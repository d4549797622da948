"""Event-sourced applications whose events live in their own domain's database.

Each domain that keeps an audit trail subclasses ``DomainApplication`` (the
``eventsourcing`` library's ``Application``) and names its Django database alias. The
persistence settings are derived from ``settings.DATABASES[alias]`` when the
application is constructed, never at import: tests switch to their own databases
(pytest-django renames every ``NAME`` to ``test_...``) after the modules are imported.

- PostgreSQL: the library's recorder, with its tables named after the application
  (``<name>_events``, ``<name>_snapshots``) in that alias's database, and Django's
  connection options (TLS, timeouts, pool size) applied to its own connection pool.
- SQLite (the embedded default): the library's recorder in the alias's SQLite file,
  with the same table names. Django's in-memory test database cannot be opened by a
  second connection, so it is refused with an explanation instead of silently
  becoming a separate, empty store.

The process environment is not read here: Django's settings are the one place
configuration comes from, so a stray variable such as ``CIPHER_KEY`` cannot change how
events are stored.

A stale write (two writers read version *n* of an aggregate, both append *n + 1*) is
refused by the database's primary key on (aggregate id, version); ``save`` turns the
library's ``IntegrityError`` into ``ConcurrencyConflict``, which the API answers with
409 ``/problems/conflict``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar
from uuid import UUID

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from eventsourcing import postgres, sqlite
from eventsourcing.application import Application
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    IntegrityError,
    Recording,
)
from eventsourcing.utils import Environment, EnvType

#: libpq connection parameters of Django's ``OPTIONS`` that the event store's pool uses too.
_LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


class ConcurrencyConflict(Exception):
    """Another writer appended to an aggregate after it was read: read it again and retry."""


class PostgresFactory(postgres.PostgresFactory):
    """The library's PostgreSQL factory, plus Django's libpq options and safe table creation.

    The library passes only name, host, port, user and password to libpq; TLS
    (``sslmode``, ``sslrootcert``) and the connect timeout arrive as JSON in
    ``POSTGRES_LIBPQ_OPTIONS`` and are added before the pool opens its first connection.

    Each application creates its tables when constructed. PostgreSQL refuses concurrent
    ``CREATE OR REPLACE FUNCTION`` (and ``CREATE ... IF NOT EXISTS``) of one object
    ("tuple concurrently updated"), which is what several worker processes starting
    together do; they take turns under an advisory lock instead.
    """

    POSTGRES_LIBPQ_OPTIONS = "POSTGRES_LIBPQ_OPTIONS"
    #: pg_advisory_lock key held while tables are created (any fixed number would do).
    CREATE_TABLES_LOCK = 0x65765F73746F7265  # "ev_store"

    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        extra = json.loads(self.env.get(self.POSTGRES_LIBPQ_OPTIONS) or "{}")
        self.datastore.pool.kwargs.update(extra)

    @contextmanager
    def _taking_turns(self) -> Iterator[None]:
        if not self.env_create_table():
            yield
            return
        # A connection of its own: the pool may have a single one, which creating uses.
        with psycopg.connect(autocommit=True, **self.datastore.pool.kwargs) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [self.CREATE_TABLES_LOCK])
            yield  # Closing the connection releases the lock.

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        with self._taking_turns():
            return super().aggregate_recorder(purpose)

    def application_recorder(self) -> ApplicationRecorder:
        with self._taking_turns():
            return super().application_recorder()


class SQLiteFactory(sqlite.SQLiteFactory):
    """The library's SQLite factory, with tables named after the application as on PostgreSQL.

    The library names them ``stored_events`` whatever the application; two
    applications sharing an alias would then share one table.
    """

    def _table(self, purpose: str) -> str:
        return f"{self.env.name.lower()}_{purpose}"

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        recorder = self.aggregate_recorder_class(self.datastore, self._table(purpose))
        if self.env_create_table():
            recorder.create_table()
        return recorder

    def application_recorder(self) -> ApplicationRecorder:
        recorder = self.application_recorder_class(self.datastore, self._table("events"))
        if self.env_create_table():
            recorder.create_table()
        return recorder


def persistence_env(alias: str) -> dict[str, str]:
    """The library's persistence settings for the Django database ``alias``, as read now."""
    config = settings.DATABASES.get(alias)
    engine = (config or {}).get("ENGINE", "")
    options = (config or {}).get("OPTIONS", {})
    if engine == "django.db.backends.postgresql":
        pool = options.get("pool") or {}
        min_size = max(1, int(pool.get("min_size", 1)))
        max_size = max(min_size, int(pool.get("max_size", 10)))
        return {
            "PERSISTENCE_MODULE": f"{__name__}:PostgresFactory",
            "POSTGRES_DBNAME": str(config["NAME"]),
            "POSTGRES_HOST": str(config.get("HOST") or ""),
            "POSTGRES_PORT": str(config.get("PORT") or 5432),
            "POSTGRES_USER": str(config.get("USER") or ""),
            "POSTGRES_PASSWORD": str(config.get("PASSWORD") or ""),
            # The library's "connect timeout" is how long to wait for a pooled connection.
            "POSTGRES_CONNECT_TIMEOUT": str(int(pool.get("timeout", 10))),
            "POSTGRES_POOL_SIZE": str(min_size),
            "POSTGRES_MAX_OVERFLOW": str(max_size - min_size),
            # No pre-ping: the library retries statements that meet a broken connection,
            # and checking each connection before use costs a round trip per write.
            PostgresFactory.POSTGRES_LIBPQ_OPTIONS: json.dumps(
                {key: options[key] for key in _LIBPQ_OPTIONS if key in options}
            ),
        }
    if engine == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise ImproperlyConfigured(
                f"The event store of the {alias!r} database needs a database its own "
                f"connections can open, but {name!r} is an in-memory SQLite database "
                "private to Django's connection. Run the tests on PostgreSQL "
                "(DATABASE_SERVER_URL) or give the alias a TEST NAME that is a file."
            )
        return {
            "PERSISTENCE_MODULE": f"{__name__}:SQLiteFactory",
            "SQLITE_DBNAME": name,
            "SQLITE_LOCK_TIMEOUT": str(int(options.get("timeout", 20))),
        }
    raise ImproperlyConfigured(
        f"The event store needs the {alias!r} database, which this process has not "
        f"configured as PostgreSQL or SQLite (engine {engine or 'none'!r})."
    )


class DomainApplication(Application[UUID]):
    """An event-sourced application stored in the database of ``database_alias``.

    Subclasses set ``database_alias`` (and usually ``snapshotting_intervals``). Use one
    instance per process through ``get_application(cls)``.

    Publishing: the event relay reads ``self.recorder.select_notifications(...)``,
    turns each notification into a domain event with ``self.mapper.to_domain_event``,
    and asks ``to_published(domain_event)`` for the published contract to wrap in an
    envelope. The default publishes nothing; a subclass returns a ``contracts``
    ``Event`` for the domain events other domains may know about.
    """

    #: The Django database alias holding this application's events and snapshots.
    database_alias: ClassVar[str]

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        #: What the persistence was built from; ``get_application`` compares it.
        self.persistence = persistence_env(self.database_alias)
        super().__init__(env={**self.persistence, **(env or {})})

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The class's ``env`` and the given one, without the process environment."""
        merged = dict(type(self).env)
        if type(self).is_snapshotting_enabled or type(self).snapshotting_intervals:
            merged["IS_SNAPSHOTTING_ENABLED"] = "y"
        merged.update(env or {})
        return Environment(name, merged)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record the aggregates' new events atomically, or raise ``ConcurrencyConflict``."""
        try:
            return super().save(*objs, **kwargs)
        except IntegrityError as exc:
            changed = ", ".join(
                f"{type(o).__name__} {getattr(o, 'id', None) or o.originator_id}"
                for o in objs
                if o is not None
            )
            raise ConcurrencyConflict(
                f"{changed} changed after it was read (another writer recorded the same "
                "version first); nothing was recorded. Read it again and retry."
            ) from exc

    def to_published(self, domain_event: Any) -> Any | None:
        """The ``contracts`` event announcing ``domain_event`` on the bus, or None."""
        return None


TApp = TypeVar("TApp", bound=DomainApplication)

_applications: dict[type[DomainApplication], DomainApplication] = {}
_lock = threading.Lock()


def get_application(cls: type[TApp]) -> TApp:
    """This process's instance of ``cls``, built on first use.

    Rebuilt when the alias's settings changed since it was built (a test run switching
    to its test databases), closing the old instance's connections.
    """
    env = persistence_env(cls.database_alias)
    with _lock:
        app = _applications.get(cls)
        if app is None or app.persistence != env:
            if app is not None:
                app.close()
            app = _applications[cls] = cls()
        return app  # type: ignore[return-value]


def close_applications() -> None:
    """Close every instance ``get_application`` built (before a test database is dropped)."""
    with _lock:
        for app in _applications.values():
            app.close()
        _applications.clear()
