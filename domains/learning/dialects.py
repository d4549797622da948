"""What the learning database's SQL differs in: one dialect per database, chosen at
start-up.

The composition root (``config.composition``) installs the one that fits the
learning database, so the statement writes (``services.statements``) and the
StatementRef filter (``selectors``) have no database branch:

- ``PostgreSQLDialect``: each SQL statement of a statement write runs under a
  ``statement_timeout`` of ``LRS_WRITE_TIMEOUT_SECONDS``, so none outlives the bound
  that ``X-Experience-API-Consistent-Through`` relies on (the write as a whole is
  checked against it before its commit, ``services.statements._store``); statement ids
  are ``uuid``.
- ``SQLiteDialect`` (the embedded run): SQLite has no statement timeout (one process
  writes at a time; the write's wait for the lock comes before its ``stored`` instant,
  and the check before the commit bounds the rest); statement ids are stored as 32
  lower-case hex digits without dashes.
"""

from __future__ import annotations

from typing import Protocol

from django.db import connections

from common.ports import Port
from domains.learning.apps import ALIAS


class LearningDialect(Protocol):
    def bound_write(self, seconds: float) -> None:
        """Bound every statement of the open transaction on the learning database."""

    def statement_id(self, text: str) -> str:
        """SQL for the SQL expression ``text`` (a statement id written as xAPI text,
        as in a StatementRef's object id) in the form the statement id column holds."""


class PostgreSQLDialect:
    def bound_write(self, seconds: float) -> None:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(seconds * 1000)}")

    def statement_id(self, text: str) -> str:
        return f"CAST({text} AS uuid)"


class SQLiteDialect:
    def bound_write(self, seconds: float) -> None:
        return None

    def statement_id(self, text: str) -> str:
        return f"REPLACE(LOWER({text}), '-', '')"


#: The dialect for each database vendor Django may report for the learning alias.
FOR_VENDOR: dict[str, type[LearningDialect]] = {
    "postgresql": PostgreSQLDialect,
    "sqlite": SQLiteDialect,
}

_port: Port[LearningDialect] = Port("learning SQL dialect")
#: Set the process's learning SQL dialect (the composition root, at start-up).
install = _port.install
#: The process's learning SQL dialect.
installed = _port.installed
