"""Refused requests are logged as the client's mistake (issue 15, Low): a bad ``Host``
header was logged at ERROR with a traceback; statement data with e-mail addresses
went to the logs. WARNING, no traceback, mboxes masked."""

import io
import logging

import pytest
from django.test import Client

from common.observability.logs import RefusalsFilter


@pytest.fixture
def console():
    """The console handler as configured (its filters), writing to a buffer."""
    root = logging.getLogger()
    (configured,) = [h for h in root.handlers if isinstance(h, logging.StreamHandler)][:1]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    for item in configured.filters:
        handler.addFilter(item)
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_a_bad_host_header_is_a_warning_without_traceback(console):
    response = Client().get("/health", HTTP_HOST="evil.example")
    assert response.status_code == 400
    logged = console.getvalue()
    assert "DisallowedHost" in logged or "Invalid HTTP_HOST" in logged
    assert "WARNING" in logged and "ERROR" not in logged
    assert "Traceback" not in logged


def test_mboxes_are_masked_in_any_record():
    record = logging.LogRecord(
        "domains.learning", logging.WARNING, __file__, 1,
        "statement refused: actor %s", ("mailto:ana@example.com",), None,
    )  # fmt: skip
    RefusalsFilter().filter(record)
    assert "ana@example.com" not in record.getMessage()
    assert "mailto:[redacted]" in record.getMessage()
