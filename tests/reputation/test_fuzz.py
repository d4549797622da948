"""Fuzzing the reputation and marketplace APIs from the OpenAPI schema (schemathesis):
whatever the input, no 5xx, and every answer is one the schema documents.

As tests/security/test_fuzz_identity.py does: an admin's token (every permission) so
calls get past authorisation and exercise input handling, the WSGI application in
this process, derandomised examples so CI does not flake.
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
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def connections_kept_open():
    """The WSGI handler must not close the connections holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(databases=["default", "identity", "reputation", "marketplace"])
def test_reputation_and_marketplace_apis_never_fail(settings, ledger_app, connections_kept_open):
    settings.RATELIMIT_ENABLE = False
    admin = member("admin")
    headers = {"Authorization": f"Bearer {member_access_token(user=admin)}"}
    schema = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True)
    ).include(path_regex=r"^/api/v1/(reputation|marketplace)/")
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
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
