"""The ``eventsourcing`` 9.5 recorders on Django's own connection of a database alias.

Every statement runs on ``django.db.connections[alias]`` — the connection of the
current thread — so an append made inside ``transaction.atomic(using=alias)`` is part
of that transaction: the events, the ORM rows, the outbox row and the projection
position written with them commit together or not at all. Outside an atomic block an
append is a transaction of its own.

The tables are the ones the library's own PostgreSQL and SQLite recorders created
(``<application>_events`` with its notification ids, ``<application>_snapshots``), so
stored events read as before and the relay's positions stay valid.

Notification ids may commit out of order, but no reader ever sees them out of order:
a reader that has seen id *n* never later finds a smaller id committed (the relay and
the projections move a position and never look back):

- PostgreSQL: an append draws its ids from the table's sequence while holding the
  table's *assignment lock* in shared mode (a session advisory lock, so appends never
  wait for each other), and before releasing it takes a transaction advisory lock on
  its smallest id, held until the transaction ends: the id is *in flight*. The insert
  runs after the release, so a writer never holds the assignment lock while it waits
  (for a conflicting insert, say). Appending transactions commit in parallel (and
  share the server's WAL flushes). A reader takes the assignment lock in exclusive
  mode for an instant, so that no ids are half issued, and reads the ids in flight in
  other transactions (``pg_locks``); it reads only ids below the smallest of them (its
  *horizon*): everything there has committed or rolled back for good.
- SQLite: one writer at a time holds the database's write lock until it commits
  (Django opens SQLite transactions ``IMMEDIATE``), and ids are ``rowid`` = max + 1,
  so every id a reader can see is final.

A stale write (two writers read version *n*, both append *n + 1*) meets the primary
key on (originator id, version): Django's ``IntegrityError`` is raised as the library's,
which ``DomainApplication.save`` reports as ``ConcurrencyConflict``. Inside an atomic
block the append runs in a savepoint, so the caller's transaction survives the refusal.

No ``NOTIFY`` is sent (the library's recorder sent one per append for its
``subscribe()``, which is not offered): nothing listens on the events tables' channels,
and a notifying transaction holds the server's notification queue lock through its
commit, so every append would wait for the previous one's WAL flush.

Round trips: on PostgreSQL an append is one query (issue the ids, then insert the
events): for one event, a single statement prepared on the connection (the server
plans it once and the state travels as binary, as a raw prepared ``INSERT``); for
several, a multi-statement query, which the server runs as one implicit transaction.
Outside an atomic block that query is its own transaction, so a lone ``save`` costs
one round trip, like a raw ``INSERT``; inside one it is one more statement of the
caller's transaction, between a savepoint and its release.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, InterfaceError, connections, transaction
from django.db import IntegrityError as DjangoIntegrityError
from django.db.backends.postgresql.base import ServerBindingCursor
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    IntegrityError,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

#: pg_advisory_xact_lock key held while tables are created (any fixed number would do):
#: worker processes starting together take turns instead of failing on the catalogue.
CREATE_TABLES_LOCK = 0x65765F73746F7265  # "ev_store"

#: The transaction-local setting that carries an append's issued ids to its insert.
_ISSUED = "eventstore.issued"

#: The library's storage parameters for its PostgreSQL events tables (kept identical).
_PG_STORAGE = (
    "WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000, "
    "autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.01)"
)


class _PreparingCursor(ServerBindingCursor):
    """psycopg's server-binding cursor (Django's flavour), preparing what it executes:
    Django's ``CursorWrapper`` passes no ``prepare`` argument, and Django's connections
    never prepare by default (``prepare_threshold`` is None)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, **kwargs: Any
    ) -> Any:
        return super().execute(query, params, prepare=prepare, **kwargs)


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(
            f"The event store needs the {alias!r} database, which this process has not "
            f"configured as PostgreSQL or SQLite (engine {vendor!r})."
        )
    return vendor


class _Dialect:
    """What differs between PostgreSQL and SQLite: ids, locks, the DDL."""

    def __init__(self, vendor: str) -> None:
        self.postgres = vendor == "postgresql"
        #: The notification id column (SQLite's ``rowid``, as the library's recorder).
        self.id_column = "notification_id" if self.postgres else "rowid"

    def originator_param(self, originator_id: UUID | str) -> Any:
        """PostgreSQL stores a ``uuid``; the library's SQLite recorder stored the hex."""
        if self.postgres or not isinstance(originator_id, UUID):
            return originator_id
        return originator_id.hex

    def originator_value(self, value: Any) -> UUID:
        return value if isinstance(value, UUID) else UUID(value)

    def create_statements(self, table: str, *, notifications: bool) -> list[str]:
        """The library's DDL for the table (so tables it created are the same shape)."""
        if self.postgres:
            serial = "notification_id bigserial, " if notifications else ""
            statements = [
                f"CREATE TABLE IF NOT EXISTS {table} (originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, topic text, state bytea, "
                f"{serial}PRIMARY KEY (originator_id, originator_version)) {_PG_STORAGE}"
            ]
            if notifications:
                statements.append(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_notification_id_idx "
                    f"ON {table} (notification_id ASC)"
                )
            return statements
        without_rowid = "" if notifications else " WITHOUT ROWID"
        return [
            f"CREATE TABLE IF NOT EXISTS {table} (originator_id TEXT, "
            "originator_version INTEGER, topic TEXT, state BLOB, "
            f"PRIMARY KEY (originator_id, originator_version)){without_rowid}"
        ]

    def table_exists_statement(self) -> str:
        if self.postgres:
            return "SELECT to_regclass(%s) IS NOT NULL"
        return "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = %s"


class DjangoRecorder:
    """Base: the alias whose connection every statement uses, and the table."""

    def __init__(self, alias: str, table: str) -> None:
        self.alias = alias
        self.events_table_name = table
        self.dialect = _Dialect(_vendor(alias))
        #: Databases (by name) where this recorder's tables are known to be committed.
        self.tables_ready: set[str] = set()
        #: Databases where this recorder created them in a transaction not yet committed.
        self._pending: set[str] = set()
        #: The notification id sequence of the table, by database (PostgreSQL).
        self._sequences: dict[str, str] = {}
        #: The one-event append statement (``_append_one``), by database (PostgreSQL).
        self._one_event_statements: dict[str, str] = {}

    @property
    def connection(self):
        """Django's connection of the alias in this thread: inside the caller's transaction."""
        connection = connections[self.alias]
        self._ensure_tables(connection)
        return connection

    def _ensure_tables(self, connection: Any) -> None:
        """Create the tables on first use, and trust them only once that has committed.

        DDL made inside a caller's transaction (a request, a test) rolls back with it;
        until it commits each use checks again, so a rollback never leaves this process
        believing in a table that is not there.
        """
        name = str(connection.settings_dict["NAME"])
        if name in self.tables_ready:
            return
        created = self.create_table()
        if not connection.in_atomic_block:
            self.tables_ready.add(name)
        elif created or name in self._pending:
            self._pending.add(name)

            def committed() -> None:
                self.tables_ready.add(name)
                self._pending.discard(name)

            transaction.on_commit(committed, using=self.alias)
        else:
            self.tables_ready.add(name)  # There before this transaction began.

    def _tables(self) -> list[tuple[str, bool]]:
        """(table, has notification ids) for each table this recorder writes."""
        return [(self.events_table_name, isinstance(self, ApplicationRecorder))]

    def create_table(self) -> bool:
        """Create the tables unless they exist (cheap check first: no DDL, no lock);
        whether any was missing."""
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            missing = []
            for table, notifications in self._tables():
                cursor.execute(self.dialect.table_exists_statement(), [table])
                if not cursor.fetchone()[0]:
                    missing.append((table, notifications))
        if not missing:
            return False
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            if self.dialect.postgres:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CREATE_TABLES_LOCK])
            for table, notifications in missing:
                for statement in self.dialect.create_statements(table, notifications=notifications):
                    cursor.execute(statement)
        return True


class DjangoAggregateRecorder(DjangoRecorder, AggregateRecorder):
    """Events (or snapshots) of aggregates, by originator and version."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        try:
            if self._standalone(kwargs):
                return self._insert(stored_events, **kwargs)
            with transaction.atomic(using=self.alias):
                return self._insert(stored_events, **kwargs)
        except DjangoIntegrityError as exc:
            raise IntegrityError(exc) from exc

    def _standalone(self, kwargs: dict[str, Any]) -> bool:
        """Whether ``_insert`` may run as a transaction of its own (no BEGIN and COMMIT
        round trips): on PostgreSQL, outside an atomic block, when it is one query (a
        single statement, or statements the server runs as one implicit transaction)
        and nothing else (a tracking row) must commit with it."""
        return (
            self.dialect.postgres
            and kwargs.get("tracking") is None
            and not connections[self.alias].in_atomic_block
        )

    def _insert(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        with self.connection.cursor() as cursor:
            cursor.execute(*self._insert_statement(stored_events))
        return None

    def _insert_statement(
        self,
        stored_events: Sequence[StoredEvent],
        returning: str = "",
        *,
        numbered: bool = False,
    ) -> tuple[str, list[Any]]:
        """A multi-row ``INSERT`` of the events; ``numbered``: each takes its notification
        id from the ids this transaction was just issued (``_append``), in order."""
        columns = "originator_id, originator_version, topic, state"
        row = "(%s, %s, %s, %s)"
        params: list[Any] = []
        for event in stored_events:
            params += [
                self.dialect.originator_param(event.originator_id),
                event.originator_version,
                event.topic,
                event.state,
            ]
        if not numbered:
            rows = ", ".join([row] * len(stored_events))
            return (
                f"INSERT INTO {self.events_table_name} "  # noqa: S608 (names are ours)
                f"({columns}) VALUES {rows}{returning}",
                params,
            )
        rows = ", ".join(
            f"(%s::uuid, %s::bigint, %s::text, %s::bytea, {n})"
            for n in range(1, len(stored_events) + 1)
        )
        return (
            f"INSERT INTO {self.events_table_name} ({columns}, notification_id) "  # noqa: S608
            f"SELECT e.originator_id, e.originator_version, e.topic, e.state, "
            f"(string_to_array(current_setting('{_ISSUED}'), ',')::bigint[])[e.n] "
            f"FROM (VALUES {rows}) AS e (originator_id, originator_version, topic, state, n)"
            f"{returning}",
            params,
        )

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement = (
            "SELECT originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {self.events_table_name} WHERE originator_id = %s"
        )
        params: list[Any] = [self.dialect.originator_param(originator_id)]
        if gt is not None:
            statement += " AND originator_version > %s"
            params.append(gt)
        if lte is not None:
            statement += " AND originator_version <= %s"
            params.append(lte)
        statement += f" ORDER BY originator_version {'DESC' if desc else 'ASC'}"
        if limit is not None:
            statement += " LIMIT %s"
            params.append(limit)
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            return [
                StoredEvent(
                    originator_id=self.dialect.originator_value(row[0]),
                    originator_version=row[1],
                    topic=row[2],
                    state=bytes(row[3]),
                )
                for row in cursor.fetchall()
            ]


class DjangoApplicationRecorder(DjangoAggregateRecorder, ApplicationRecorder):
    """Events in aggregate sequences and in the application's notification log."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except IntegrityError:
            raise  # The insert's refusal: the ids were issued, the lock released.
        except Exception:
            if self.dialect.postgres:
                self._release_assignment_lock()
            raise

    def _insert(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        if self.dialect.postgres:
            return self._append(stored_events)
        statement, params = self._insert_statement(
            stored_events, " RETURNING originator_id, originator_version, rowid"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            issued = {
                (self.dialect.originator_value(oid), version): notification_id
                for oid, version, notification_id in cursor.fetchall()
            }
        # RETURNING's row order is not promised: match ids to events by their key.
        return [
            issued[(self.dialect.originator_value(e.originator_id), e.originator_version)]
            for e in stored_events
        ]

    # PostgreSQL: ids issued under the assignment lock, in flight until the transaction
    # ends (the module docstring). Every name and number below is ours, never input.

    def _lock_keys(self) -> tuple[int, int]:
        """(assignment lock: a bigint key; in-flight locks: their int4 class) of the table."""
        digest = hashlib.blake2b(self.events_table_name.encode(), digest_size=12).digest()
        assignment = int.from_bytes(digest[:8], "big", signed=True)
        return assignment, int.from_bytes(digest[8:], "big") & 0x7FFFFFFF

    def _sequence(self) -> str:
        """The notification id sequence (the ``bigserial``'s), looked up once per database."""
        connection = self.connection
        name = str(connection.settings_dict["NAME"])
        if name not in self._sequences:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, 'notification_id')",
                    [self.events_table_name],
                )
                self._sequences[name] = cursor.fetchone()[0]
        return self._sequences[name]

    def _under_assignment_lock(self, statement: str) -> list[tuple]:
        """``statement`` between taking and releasing the table's assignment lock in
        exclusive mode (a reader's: no append is between drawing its ids and marking
        them in flight), all in one round trip; its rows. Should anything fail there, the
        lock is released or, when it cannot be, the connection is closed: a lock left on
        a pooled connection would stop every writer and reader of the table."""
        assignment, _ = self._lock_keys()
        with self.connection.cursor() as cursor:
            try:
                cursor.execute(
                    f"SELECT pg_advisory_lock({assignment}); {statement}; "
                    f"SELECT pg_advisory_unlock({assignment})"
                )
            except Exception:
                self._release_assignment_lock("pg_advisory_unlock")
                raise
            cursor.nextset()
            return cursor.fetchall()

    def _append(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Issue ids in flight under the shared assignment lock, release it, insert the
        events with those ids: one round trip, in which no statement waits while the
        lock is held. One event (most saves) is one prepared statement
        (``_append_one``); several are one multi-statement query that carries their ids
        from the issuing statement to the insert in a transaction-local setting."""
        if len(stored_events) == 1:
            return self._append_one(stored_events[0])
        sequence, (assignment, in_flight) = self._sequence(), self._lock_keys()
        statement = (
            f"SELECT pg_advisory_lock_shared({assignment}); "  # noqa: S608 (names are ours)
            f"SELECT set_config('{_ISSUED}', string_agg(id::text, ',' ORDER BY id), true), "
            f"pg_advisory_xact_lock_shared({in_flight}, "
            "(mod(min(id), 4294967296) - 2147483648)::int4) "
            f"FROM (SELECT nextval('{sequence}') AS id "
            f"FROM generate_series(1, {len(stored_events)})) AS issued; "
            f"SELECT pg_advisory_unlock_shared({assignment}); "
        )
        insert, params = self._insert_statement(stored_events, numbered=True)
        with self.connection.cursor() as cursor:
            cursor.execute(statement + insert, params)
            cursor.nextset()
            return [int(i) for i in cursor.fetchone()[0].split(",")]

    def _append_one(self, event: StoredEvent) -> list[int]:
        """One event in one statement, prepared on the connection at its first use (so
        the server neither parses nor plans it again, and the state travels as binary).

        The steps are nested subqueries, each fenced by ``OFFSET 0`` so the planner
        neither merges them nor drops the unused lock columns (the functions are
        volatile): each step runs on the row the one inside it produced, so the order
        is the order of the data, not an evaluation order SQL leaves open. Inside out:
        take the assignment lock, draw the id, mark it in flight (the in-flight lock's
        second key is the id modulo 2**32, as an int4), release the assignment lock;
        only then is the row inserted, so the insert never waits holding the lock."""
        connection = self.connection
        name = str(connection.settings_dict["NAME"])
        if (statement := self._one_event_statements.get(name)) is None:
            sequence, (assignment, in_flight) = self._sequence(), self._lock_keys()
            statement = self._one_event_statements[name] = (
                f"INSERT INTO {self.events_table_name} "  # noqa: S608 (names are ours)
                "(originator_id, originator_version, topic, state, notification_id) "
                "SELECT %s, %s, %s, %s, released.id FROM ("
                f" SELECT id, pg_advisory_unlock_shared({assignment}) FROM ("
                f"  SELECT id, pg_advisory_xact_lock_shared({in_flight}, "
                "   (mod(id, 4294967296) - 2147483648)::int4) FROM ("
                f"   SELECT nextval('{sequence}') AS id FROM ("
                f"    SELECT pg_advisory_lock_shared({assignment})"
                "   ) AS locked OFFSET 0"
                "  ) AS issued OFFSET 0"
                " ) AS in_flight OFFSET 0"
                ") AS released RETURNING notification_id"
            )
        params = [event.originator_id, event.originator_version, event.topic, event.state]
        with self._prepared_cursor(connection) as cursor:
            cursor.execute(statement, params)
            return [cursor.fetchone()[0]]

    @staticmethod
    def _prepared_cursor(connection: Any) -> Any:
        """A cursor of Django's ``connection`` (its execute wrappers and error
        translation apply) on a psycopg cursor that binds on the server and prepares
        each statement it runs. While Django logs queries (``DEBUG``, a test capturing
        them), Django's own cursor instead: its log cannot show a prepared statement's
        text, and the statement runs the same way bound on the client."""
        if connection.queries_logged:
            return connection.cursor()
        connection.ensure_connection()
        connection.validate_thread_sharing()
        return connection.make_cursor(_PreparingCursor(connection.connection))

    def _release_assignment_lock(self, unlock: str = "pg_advisory_unlock_shared") -> None:
        """After a failure: release the assignment lock (``unlock``: a writer's shared
        hold by default, a reader's exclusive one) should the failure have come before
        its release, or close the connection when that cannot be done: a lock left on a
        pooled connection would stop every reader, or writer, of the table."""
        assignment, _ = self._lock_keys()
        connection = connections[self.alias]
        try:
            if connection.connection is not None and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {unlock}(%s)", [assignment])
                return
        except (DatabaseError, InterfaceError):
            pass
        connection.close()

    def _horizon(self) -> int | None:
        """The smallest id this transaction may not read yet (None: no limit): the next
        id to be issued, or the smallest one in flight in another transaction."""
        if not self.dialect.postgres:
            return None
        sequence, (_, in_flight) = self._sequence(), self._lock_keys()
        [(next_id, smallest_in_flight)] = self._under_assignment_lock(
            "SELECT last_value + is_called::int, (SELECT min("  # noqa: S608
            "  s.last_value - (s.last_value - (l.objid::bigint + 2147483648) % 4294967296)"
            "  % 4294967296)"
            "  FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2"
            f"  AND l.classid = {in_flight} AND l.pid <> pg_backend_pid()"
            "  AND l.database = (SELECT oid FROM pg_database"
            "   WHERE datname = current_database())) "
            f"FROM {sequence} s"
        )
        return min(next_id, smallest_in_flight or next_id)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        id_column = self.dialect.id_column
        conditions, params = [], []
        horizon = self._horizon()
        if horizon is not None:
            conditions.append(f"{id_column} < %s")
            params.append(horizon)
        if start is not None:
            conditions.append(f"{id_column} {'>=' if inclusive_of_start else '>'} %s")
            params.append(start)
        if stop is not None:
            conditions.append(f"{id_column} <= %s")
            params.append(stop)
        if topics:
            conditions.append(f"topic IN ({', '.join(['%s'] * len(topics))})")
            params += list(topics)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        statement = (
            f"SELECT {id_column}, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {self.events_table_name}{where} ORDER BY {id_column} LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(statement, [*params, limit])
            return [
                Notification(
                    id=row[0],
                    originator_id=self.dialect.originator_value(row[1]),
                    originator_version=row[2],
                    topic=row[3],
                    state=bytes(row[4]),
                )
                for row in cursor.fetchall()
            ]

    def max_notification_id(self) -> int | None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX({self.dialect.id_column}) FROM {self.events_table_name}"  # noqa: S608
            )
            return cursor.fetchone()[0]

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """Not offered: the relay and the projections read the log by position."""
        raise NotImplementedError(
            "Read the notification log with select_notifications; the relay does."
        )


class DjangoTrackingRecorder(DjangoRecorder, TrackingRecorder):
    """The last notification id of each upstream application processed (one row each)."""

    def __init__(self, alias: str, table: str) -> None:
        super().__init__(alias, table)
        self.tracking_table_name = table

    def _tables(self) -> list[tuple[str, bool]]:
        return []

    def create_table(self) -> bool:
        with transaction.atomic(using=self.alias), connections[self.alias].cursor() as cursor:
            cursor.execute(self.dialect.table_exists_statement(), [self.tracking_table_name])
            if cursor.fetchone()[0]:
                return False
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.tracking_table_name} "
                "(application_name text PRIMARY KEY, notification_id bigint NOT NULL)"
            )
            return True

    def insert_tracking(self, tracking: Tracking) -> None:
        try:
            with transaction.atomic(using=self.alias):
                self._insert_tracking(tracking)
        except DjangoIntegrityError as exc:
            raise IntegrityError(exc) from exc

    def _insert_tracking(self, tracking: Tracking) -> None:
        table = self.tracking_table_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET notification_id = %s "  # noqa: S608
                "WHERE application_name = %s AND notification_id < %s",
                [tracking.notification_id, tracking.application_name, tracking.notification_id],
            )
            if cursor.rowcount == 0:
                # Not there yet, or already at or past this id (a repeat: refused).
                cursor.execute(
                    f"INSERT INTO {table} (application_name, notification_id) VALUES (%s, %s)",  # noqa: S608
                    [tracking.application_name, tracking.notification_id],
                )

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT notification_id FROM {self.tracking_table_name} "  # noqa: S608
                "WHERE application_name = %s",
                [application_name],
            )
            row = cursor.fetchone()
        return row[0] if row else None


class DjangoProcessRecorder(DjangoApplicationRecorder, DjangoTrackingRecorder, ProcessRecorder):
    """Events and the tracking of what produced them, in one transaction."""

    def __init__(self, alias: str, table: str, tracking_table: str) -> None:
        DjangoApplicationRecorder.__init__(self, alias, table)
        self.tracking_table_name = tracking_table

    def _tables(self) -> list[tuple[str, bool]]:
        return DjangoApplicationRecorder._tables(self)

    def create_table(self) -> bool:
        events = DjangoApplicationRecorder.create_table(self)
        return DjangoTrackingRecorder.create_table(self) or events

    def _insert(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        ids = super()._insert(stored_events, **kwargs)
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(tracking)
        return ids


class DjangoFactory(InfrastructureFactory[DjangoTrackingRecorder]):
    """Builds the recorders of one application on the connection of ``DJANGO_DATABASE_ALIAS``.

    Tables are named after the application (``<name>_events``, ``<name>_snapshots``,
    ``<name>_tracking``) and created when missing unless ``CREATE_TABLE`` is false.
    """

    DJANGO_DATABASE_ALIAS = "DJANGO_DATABASE_ALIAS"
    CREATE_TABLE = "CREATE_TABLE"

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        alias = self.env.get(self.DJANGO_DATABASE_ALIAS)
        if not alias or alias not in connections:
            raise ImproperlyConfigured(f"No Django database alias {alias!r} for the event store.")
        self.alias = alias
        self.prefix = self.env.name.lower() or "stored"

    def _ready(self, recorder: DjangoRecorder) -> Any:
        if (self.env.get(self.CREATE_TABLE) or "y").lower() not in ("y", "yes", "t", "true", "1"):
            recorder.tables_ready.add(str(connections[self.alias].settings_dict["NAME"]))
        return recorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        return self._ready(DjangoAggregateRecorder(self.alias, f"{self.prefix}_{purpose}"))

    def application_recorder(self) -> ApplicationRecorder:
        return self._ready(DjangoApplicationRecorder(self.alias, f"{self.prefix}_events"))

    def tracking_recorder(
        self, tracking_recorder_class: type[DjangoTrackingRecorder] | None = None
    ) -> DjangoTrackingRecorder:
        cls = tracking_recorder_class or DjangoTrackingRecorder
        return self._ready(cls(self.alias, f"{self.prefix}_tracking"))

    def process_recorder(self) -> ProcessRecorder:
        return self._ready(
            DjangoProcessRecorder(self.alias, f"{self.prefix}_events", f"{self.prefix}_tracking")
        )
