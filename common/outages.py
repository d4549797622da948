"""Telling an outage (the database or its pool is unreachable) from a failing query.

An outage is worth waiting out: a worker retries it with backoff instead of counting
it against a message (which would dead-letter good events while PostgreSQL restarts),
and a request answers 503 with ``Retry-After`` instead of 500. A query that fails on
its own (a constraint, a statement timeout, a bug) is not an outage.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

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


#: Seconds a client is told to wait after a database outage answered 503.
RETRY_AFTER_SECONDS = 2


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 problem+json with ``Retry-After``: the database is away, try again shortly.

    Logged here at WARNING (which database, why) and marked as logged, so Django does
    not log the 503 again at ERROR with a traceback: an outage is an operational
    state with its own alert (``platform_dependency_up``), not a bug.
    """
    from common.api.problems import problem_response

    logger.warning("%s %s: database unavailable (%s)", request.method, request.path, exc)
    response = problem_response(
        request, 503, "A database this request needs is unavailable; retry shortly."
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """A view that fails because the database or its pool cannot be reached answers
    503 (``Retry-After``) instead of 500. Failures elsewhere (another middleware) reach
    ``handler500``, which makes the same choice (``common.api.problems.server_error``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
