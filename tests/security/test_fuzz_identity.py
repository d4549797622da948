"""Fuzzing the identity API from its OpenAPI schema (schemathesis): whatever the
input, no 5xx, and every answer (status, content type, body) is one the schema
documents. Calls carry an admin's token so they get past authentication and
exercise input handling; unauthenticated paths are covered by the permission matrix.

The schema is generated when the test runs (at collection time the test databases do
not exist yet), and each operation is driven by Hypothesis through schemathesis's
strategies, calling the WSGI application in this process.
"""

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

from domains.identity.services.tokens import member_access_token
from tests.security.conftest import member

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def connections_kept_open():
    """As Django's test client does: the WSGI handler must not close the connections
    that hold the test's transaction at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(databases=["default", "identity"])
def test_identity_api_never_fails_and_always_answers_as_documented(
    settings, audit, connections_kept_open
):
    settings.RATELIMIT_ENABLE = False  # fuzzing sends far more than any limit allows
    admin = member("admin", password="an-admin-password-123")
    headers = {"Authorization": f"Bearer {member_access_token(user=admin)}"}
    schema = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True)
    ).include(path_regex=r"^/api/v1/identity/")
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples every run: CI must not flake
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc
