"""Django read models projected from an event-sourced application, exactly once.

A projection reads its application's notification log after its stored position
(``ProjectionPosition``, in the same database as its read models), applies the events
and saves the new position in ONE transaction: read model and position commit together
or not at all, so a crash between batches neither repeats nor loses an effect. The
position row is locked for the batch (``SELECT ... FOR UPDATE``), so two runners never
apply the same events.

A rebuild replays every event into fresh, empty copies of the read tables while the
live tables keep serving, then swaps them in within one short transaction that first
applies the events recorded meanwhile. Readers see the old rows or the new ones, never
an empty or half-built table. The index and constraint names of the live tables are
kept, so later migrations still find them. Read models must not be the target of
foreign keys (they are replaced, not altered).

Apps declare their projections on their ``AppConfig``:
``projections = ["domains.x.projections.SomeProjection"]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import apps
from django.apps.registry import Apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.utils.module_loading import import_string

from eventing.eventstore import DomainApplication, get_application
from eventing.models import ProjectionPosition

BATCH_SIZE = 500


class Projection:
    """Writes the read models ``read_models`` from the events of ``application_class``.

    Subclasses set ``name`` (its position's key), ``application_class`` and
    ``read_models``, and implement ``apply`` or ``apply_batch`` (a batch's events in
    bulk writes: a rebuild or a catch-up applies a batch in one transaction), writing
    through ``self.model(Model)`` and ``self.alias`` so that a rebuild can point them at
    fresh tables.
    """

    name: ClassVar[str]
    application_class: ClassVar[type[DomainApplication]]
    read_models: ClassVar[tuple[type[models.Model], ...]]

    def __init__(self, *, tables: Mapping[type[models.Model], type[models.Model]] | None = None):
        self._tables = dict(tables or {})

    @property
    def alias(self) -> str:
        return self.application_class.database_alias

    def model(self, read_model: type[models.Model]) -> type[models.Model]:
        """The model to write ``read_model`` through: itself, or its fresh table in a rebuild."""
        return self._tables.get(read_model, read_model)

    def apply(self, domain_event: Any) -> None:
        """Apply one event to the read models (ignore the ones it does not project)."""
        self.apply_batch([domain_event])

    def apply_batch(self, domain_events: list[Any]) -> None:
        """Apply a batch of events, in order, as if one after the other."""
        for domain_event in domain_events:
            self.apply(domain_event)


def registered_projections() -> dict[str, type[Projection]]:
    """The projections the installed apps declare, by name."""
    return {
        cls.name: cls
        for config in apps.get_app_configs()
        for cls in map(import_string, getattr(config, "projections", ()))
    }


def _locked_position(projection: Projection) -> ProjectionPosition:
    positions = ProjectionPosition.objects.using(projection.alias)
    positions.get_or_create(name=projection.name)
    return positions.select_for_update().get(name=projection.name)


def _apply_after(projection: Projection, position: int, limit: int) -> tuple[int, int]:
    """Apply up to ``limit`` events after ``position``: (events applied, position reached)."""
    app = get_application(projection.application_class)
    notifications = app.recorder.select_notifications(
        start=position, limit=limit, inclusive_of_start=False
    )
    projection.apply_batch([app.mapper.to_domain_event(n) for n in notifications])
    return len(notifications), notifications[-1].id if notifications else position


def projection_run_batch(*, projection: Projection, limit: int = BATCH_SIZE) -> int:
    """Apply the next ``limit`` events and move the position, atomically; how many applied."""
    with transaction.atomic(using=projection.alias):
        position = _locked_position(projection)
        applied, position.position = _apply_after(projection, position.position, limit)
        if applied:
            position.save(using=projection.alias, update_fields=["position", "updated_at"])
    return applied


def projection_catch_up(*, projection: Projection, limit: int = BATCH_SIZE) -> int:
    """Apply every event recorded so far, batch after batch; how many applied."""
    total = 0
    while (applied := projection_run_batch(projection=projection, limit=limit)) > 0:
        total += applied
    return total


@dataclass(frozen=True)
class RebuildProgress:
    """How far a rebuild got: events applied, notification id reached, of ``total``."""

    applied: int
    position: int
    total: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.applied / self.seconds if self.seconds > 0 else 0.0


def projection_rebuild(
    *,
    projection_class: type[Projection],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[RebuildProgress], None] = lambda _: None,
) -> RebuildProgress:
    """Replay every event into fresh tables and swap them in; the final progress."""
    alias = projection_class.application_class.database_alias
    connection = connections[alias]
    dialect = _DIALECTS.get(connection.vendor)
    if dialect is None:
        raise ImproperlyConfigured(f"Cannot rebuild tables on {connection.vendor}.")
    live = {model: model._meta.db_table for model in projection_class.read_models}
    fresh = {model: f"{table[:54]}__rebuild" for model, table in live.items()}
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for model in live:
            dialect.create_fresh(cursor, connection.ops.quote_name, live[model], fresh[model])
    projection = projection_class(
        tables={model: _model_over(model, fresh[model]) for model in live}
    )
    app = get_application(projection_class.application_class)
    total = app.recorder.max_notification_id() or 0
    started, applied, reached = time.monotonic(), 0, 0

    def replay(until: int | None) -> None:
        nonlocal applied, reached
        while until is None or reached < until:
            with transaction.atomic(using=alias):
                count, reached = _apply_after(projection, reached, batch_size)
            if not count:
                return
            applied += count
            elapsed = time.monotonic() - started
            progress(RebuildProgress(applied, reached, max(total, reached), elapsed))

    replay(until=total)
    with transaction.atomic(using=alias):
        position = _locked_position(projection)  # Live runners wait from here to commit.
        replay(until=None)
        with connection.cursor() as cursor:
            for model in live:
                dialect.swap_in(cursor, connection.ops.quote_name, live[model], fresh[model])
        position.position = reached
        position.save(using=alias, update_fields=["position", "updated_at"])
    return RebuildProgress(applied, reached, max(total, reached), time.monotonic() - started)


def _model_over(model: type[models.Model], db_table: str) -> type[models.Model]:
    """``model``'s fields over another table, in a registry of its own (not Django's)."""
    meta = type(
        "Meta",
        (),
        {"apps": Apps(), "app_label": model._meta.app_label, "db_table": db_table},
    )
    attrs: dict[str, Any] = {"__module__": model.__module__, "Meta": meta}
    attrs.update({field.name: field.clone() for field in model._meta.local_fields})
    return type(model.__name__, (models.Model,), attrs)


class _PostgreSQL:
    """Fresh table ``LIKE`` the live one; swap by renames, then restore the index names."""

    INDEXES = """
        SELECT c.relname, pg_get_indexdef(c.oid), k.contype
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        LEFT JOIN pg_constraint k ON k.conindid = c.oid AND k.conrelid = i.indrelid
        WHERE i.indrelid = %s::regclass
        ORDER BY c.relname
    """

    @staticmethod
    def create_fresh(cursor, quote: Callable[[str], str], live: str, fresh: str) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(fresh)}")
        cursor.execute(f"CREATE TABLE {quote(fresh)} (LIKE {quote(live)} INCLUDING ALL)")

    @classmethod
    def swap_in(cls, cursor, quote: Callable[[str], str], live: str, fresh: str) -> None:
        new, old = cls._indexes(cursor, quote, fresh), cls._indexes(cursor, quote, live)
        if [what for what, _ in new] != [what for what, _ in old]:
            raise ImproperlyConfigured(f"{fresh} does not have the indexes of {live}.")
        retired = f"{live[:58]}__old"
        cursor.execute(f"ALTER TABLE {quote(live)} RENAME TO {quote(retired)}")
        cursor.execute(f"ALTER TABLE {quote(fresh)} RENAME TO {quote(live)}")
        cursor.execute(f"DROP TABLE {quote(retired)}")
        # Renaming an index that backs a constraint renames the constraint too.
        for (_, new_name), (_, old_name) in zip(new, old, strict=True):
            cursor.execute(f"ALTER INDEX {quote(new_name)} RENAME TO {quote(old_name)}")

    @classmethod
    def _indexes(cls, cursor, quote: Callable[[str], str], table: str) -> list[tuple[tuple, str]]:
        """(what the index is, its name) for each index, sorted so that twins pair up."""
        cursor.execute(cls.INDEXES, [quote(table)])
        found = [
            (
                (definition.startswith("CREATE UNIQUE"), definition.split(" USING ", 1)[1], kind),
                name,
            )
            for name, definition, kind in cursor.fetchall()
        ]
        return sorted(found, key=lambda item: (repr(item[0]), item[1]))


class _SQLite:
    """Fresh table from the live one's own ``CREATE TABLE``; swap by drop, rename, re-index.

    SQLite DDL is transactional and WAL readers keep their snapshot until the swap
    commits; the indexes (named as before) are created on the filled table at the swap.
    """

    @staticmethod
    def create_fresh(cursor, quote: Callable[[str], str], live: str, fresh: str) -> None:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [live])
        (create,) = cursor.fetchone()
        cursor.execute(f"DROP TABLE IF EXISTS {quote(fresh)}")
        cursor.execute(create.replace(quote(live), quote(fresh), 1))

    @staticmethod
    def swap_in(cursor, quote: Callable[[str], str], live: str, fresh: str) -> None:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [live],
        )
        indexes = [sql for (sql,) in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {quote(live)}")
        cursor.execute(f"ALTER TABLE {quote(fresh)} RENAME TO {quote(live)}")
        for create_index in indexes:
            cursor.execute(create_index)


_DIALECTS = {"postgresql": _PostgreSQL, "sqlite": _SQLite}
