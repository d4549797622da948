"""Structured logs: one JSON object per line, with trace, span, request and user ids.

The request context (request id, user id) lives in context variables set by
``RequestContextMiddleware``; the trace ids come from the current OpenTelemetry span.
Tokens, passwords and other secrets are never put in log records by this code, and
``SecretsFilter`` masks the usual suspects if another library passes them in ``extra``.
"""

from __future__ import annotations

import contextvars
import logging

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
user_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("user_id", default=None)

_SECRET_KEYS = ("password", "token", "secret", "authorization", "api_key", "cookie")


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
        record.user_id = user_id_var.get()
        record.service = self.service
        return True


class SecretsFilter(logging.Filter):
    """Masks ``extra`` fields whose names say they hold a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in list(vars(record)):
            if any(word in key.lower() for word in _SECRET_KEYS):
                setattr(record, key, "[redacted]")
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
