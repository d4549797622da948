"""Structured logs: one JSON object per line, with trace, span, request and user ids.

The request context lives in context variables set by ``RequestContextMiddleware``:
the request id, and the request itself, whose caller is read when a record is made
(authentication runs inside the view, after the middleware, so the user is known only
then); the trace ids come from the current OpenTelemetry span.
Tokens, passwords and other secrets are never put in log records by this code, and
``SecretsFilter`` masks the usual suspects if another library passes them in ``extra``.
"""

from __future__ import annotations

import contextvars
import logging
import re
from typing import TYPE_CHECKING

from django.utils.functional import LazyObject, empty
from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

if TYPE_CHECKING:
    from django.http import HttpRequest

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
#: The request being answered (its ``user`` is set once authentication has run).
request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "request", default=None
)

_SECRET_KEYS = ("password", "token", "secret", "authorization", "api_key", "cookie")


def _user_id(request: HttpRequest | None) -> str | None:
    """The signed-in caller's id, once authentication has set ``request.user`` (DRF
    sets it on the Django request too). A session user not read yet stays unread:
    logging must not run a query."""
    user = vars(request).get("user") if request is not None else None
    if isinstance(user, LazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


class ContextFilter(logging.Filter):
    """Adds ``trace_id``, ``span_id``, ``request_id``, ``user_id`` to every record."""

    def __init__(self, service: str = "all") -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        record.request_id = request_id_var.get()
        record.user_id = _user_id(request_var.get())
        record.service = self.service
        return True


class SecretsFilter(logging.Filter):
    """Masks ``extra`` fields whose names say they hold a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in list(vars(record)):
            if any(word in key.lower() for word in _SECRET_KEYS):
                setattr(record, key, "[redacted]")
        return True


_MBOX = re.compile(r"mailto:[^\s\"'<>,;)}\]]+", re.IGNORECASE)


class RefusalsFilter(logging.Filter):
    """Requests Django refuses for what the client sent (``django.security.*``: a bad
    ``Host`` header, an oversized or malformed body) are the client's fault, not ours:
    logged at WARNING, with no traceback. E-mail addresses (xAPI ``mbox``) in any
    record's message are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        message = record.getMessage()
        if "mailto:" in message.lower():
            record.msg, record.args = _MBOX.sub("mailto:[redacted]", message), None
        return True


class PlatformJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "asctime": "time", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s "
            "%(trace_id)s %(span_id)s %(request_id)s %(user_id)s",
            *args,
            **kwargs,
        )
