"""How an appended register entry and its new tree nodes reach the database: one
strategy per database, chosen at start-up.

The composition root (``config.composition``) installs the one that fits the
governance database, so ``register.Appender`` has no database branch:

- ``OneStatementWrites`` (PostgreSQL): the entry and its nodes in one round trip, a
  data-modifying CTE over ``unnest`` arrays. Appends happen once per vote, inside the
  vote's transaction, so a round trip saved is latency every voter sees.
- ``OrmWrites`` (SQLite, the embedded run): a ``bulk_create`` of the nodes, then the
  entry; SQLite has neither ``unnest`` nor array parameters, and a round trip there
  is a function call.

Both write the same rows (the SQLite register test verifies a register written by
``OrmWrites`` end to end); ``entries`` and ``nodes`` are the register's models or a
rebuild's copies over fresh tables.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models

from domains.governance.apps import ALIAS

#: New tree nodes of one append: (level, index, hash).
Nodes = list[tuple[int, int, bytes]]


class RegisterWrites(Protocol):
    def insert(
        self, entry: models.Model, created: Nodes, *, entries: type[models.Model],
        nodes: type[models.Model],
    ) -> None:  # fmt: skip
        """Insert ``entry`` (an unsaved ``entries`` row) and the ``created`` nodes."""


class OneStatementWrites:
    """PostgreSQL: entry and nodes in one statement (a data-modifying CTE)."""

    def insert(
        self, entry: models.Model, created: Nodes, *, entries: type[models.Model],
        nodes: type[models.Model],
    ) -> None:  # fmt: skip
        connection = connections[ALIAS]
        fields = list(entries._meta.local_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        # Table and column names come from the models, never from input.
        statement = (
            f"WITH nodes AS (INSERT INTO {nodes._meta.db_table} (level, index, hash) "  # noqa: S608
            "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])) "
            f"INSERT INTO {entries._meta.db_table} ({columns}) VALUES ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                statement,
                [
                    [lv for lv, _, _ in created],
                    [ix for _, ix, _ in created],
                    [digest for _, _, digest in created],
                    *(f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields),
                ],
            )


class OrmWrites:
    """SQLite: the nodes in one ``bulk_create``, then the entry."""

    def insert(
        self, entry: models.Model, created: Nodes, *, entries: type[models.Model],
        nodes: type[models.Model],
    ) -> None:  # fmt: skip
        nodes.objects.using(ALIAS).bulk_create(
            nodes(level=lv, index=ix, hash=digest) for lv, ix, digest in created
        )
        entry.save(using=ALIAS, force_insert=True)


#: The strategy for each database vendor Django may report for the governance alias.
FOR_VENDOR: dict[str, type[RegisterWrites]] = {
    "postgresql": OneStatementWrites,
    "sqlite": OrmWrites,
}

_installed: RegisterWrites | None = None


def install(writes: RegisterWrites) -> None:
    """Set the process's strategy (the composition root, at start-up)."""
    global _installed
    _installed = writes


def installed() -> RegisterWrites:
    if _installed is None:
        raise ImproperlyConfigured(
            "No register write strategy installed: config.composition.compose() runs at start-up."
        )
    return _installed
