"""Fuzzing the identity API from its OpenAPI schema (schemathesis, see tests/fuzzing.py):
no 5xx, and every answer is one the schema documents. Calls carry an admin's token so
they get past authentication and exercise input handling; unauthenticated paths are
covered by the permission matrix."""

import pytest

from domains.identity.services.tokens import member_access_token
from tests.fuzzing import connections_kept_open, fuzz_api
from tests.security.conftest import member

__all__ = ["connections_kept_open"]


@pytest.mark.django_db(databases=["default", "identity"])
def test_identity_api_never_fails_and_always_answers_as_documented(
    settings, audit, connections_kept_open
):
    settings.RATELIMIT_ENABLE = False  # fuzzing sends far more than any limit allows
    admin = member("admin", password="an-admin-password-123")
    headers = {"Authorization": f"Bearer {member_access_token(user=admin)}"}
    fuzz_api(path_regex=r"^/api/v1/identity/", headers=headers, examples=25, min_operations=20)
