"""Fuzzing an API from its OpenAPI schema with schemathesis: whatever the input, no
5xx, and every answer (status, content type, body) is one the schema documents.

The schema is generated when the test runs (at collection time the test databases do
not exist yet); each operation is driven by Hypothesis through schemathesis's
strategies, calling the WSGI application in this process with derandomised examples,
so CI does not flake. Used by each domain's fuzz test.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def connections_kept_open():
    """As Django's test client does: the WSGI handler must not close the connections
    that hold the test's transaction at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz_api(
    *, path_regex: str, headers: dict[str, str], examples: int, min_operations: int
) -> None:
    """Fuzz every operation whose path matches; fail naming the first one that breaks."""
    schema = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True)
    ).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= min_operations

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc


def _server_error_fuzzer(operation, *, examples: int, headers: dict, counts: dict, failing: list):
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=examples, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def fuzz(case):
        counts["cases"] += 1
        response = case.call(headers=headers)
        if response.status_code >= 500:
            counts["server_errors"] += 1
            failing.append(f"{operation.label} -> {response.status_code}")

    return fuzz


def fuzz_server_errors(
    *, path_regex: str, headers: dict[str, str], examples: int
) -> dict[str, object]:
    """Every matching operation, ``examples`` cases each, checked only for server
    errors; the counts (operations, cases sent, 5xx) and the operations that gave a 5xx.
    For the whole-schema run per role, where an answer outside the schema is another
    test's business but a 5xx never is."""
    schema = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True)
    ).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    counts: dict[str, object] = {"operations": len(operations), "cases": 0, "server_errors": 0}
    failing: list[str] = []
    for operation in operations:
        _server_error_fuzzer(
            operation, examples=examples, headers=headers, counts=counts, failing=failing
        )()
    counts["failing"] = sorted(set(failing))
    return counts
