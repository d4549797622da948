"""Telling an outage (the database or its pool is unreachable) from a failing query.

An outage is worth waiting out: a worker retries it with backoff instead of counting
it against a message (which would dead-letter good events while PostgreSQL restarts),
and a request answers 503 with ``Retry-After`` instead of 500. A query that fails on
its own (a constraint, a statement timeout, a bug) is not an outage.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

#: SQLSTATEs of a server that is going away or not there yet: connection exceptions
#: (class 08), admin/crash shutdown, cannot connect now, too many connections.
_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_database_outage(exc: BaseException) -> bool:
    """Whether ``exc`` (a Django database error, possibly wrapping psycopg's) means the
    database or the connection pool cannot be reached right now."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return type(exc).__name__ == "PoolTimeout"
    cause = exc.__cause__ or exc
    if type(cause).__name__ == "PoolTimeout":
        return True
    state = getattr(cause, "sqlstate", None)
    # psycopg reports a dropped or refused connection without a SQLSTATE.
    return state is None or state.startswith(_OUTAGE_STATES)
