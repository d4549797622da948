"""Fuzzing the reputation and marketplace APIs from the OpenAPI schema (schemathesis,
see tests/fuzzing.py): whatever the input, no 5xx, and every answer is one the schema
documents. An admin's token (every permission) gets calls past authorisation so they
exercise input handling."""

import pytest

from domains.identity.services.tokens import member_access_token
from tests.eventstore.fixtures import ledger_app
from tests.fuzzing import connections_kept_open, fuzz_api
from tests.security.conftest import member

__all__ = ["connections_kept_open", "ledger_app"]


@pytest.mark.django_db(databases=["default", "identity", "reputation", "marketplace"])
def test_reputation_and_marketplace_apis_never_fail(settings, ledger_app, connections_kept_open):
    settings.RATELIMIT_ENABLE = False
    admin = member("admin")
    headers = {"Authorization": f"Bearer {member_access_token(user=admin)}"}
    fuzz_api(
        path_regex=r"^/api/v1/(reputation|marketplace)/",
        headers=headers,
        examples=15,
        min_operations=20,
    )
