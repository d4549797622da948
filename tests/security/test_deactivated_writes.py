"""A deactivated member kept writing with tokens already out, for up to 5 minutes
(issue 15, Low). Their writes are refused at once (a short deny-list every process
sees); reads go on until the token expires."""

import pytest

from domains.identity.services.accounts import user_deactivate, user_reactivate
from domains.learning.authority import lrs_account
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def write(client, user, headers):
    statement = {
        "actor": lrs_account("members", str(user.id)),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://course.example/one"},
    }
    return client.post(
        "/xapi/statements", statement, content_type="application/json", **headers, **VERSION
    )


def test_a_deactivated_members_token_stops_writing_at_once(client):
    user = member()
    headers = bearer(user)
    assert write(client, user, headers).status_code == 200
    user_deactivate(user=user)
    refused = write(client, user, headers)
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["detail"]
    profile = client.patch(
        "/api/v1/identity/me/profile", {"bio": "still here"}, content_type="application/json",
        **headers,
    )  # fmt: skip
    assert profile.status_code == 401
    user_reactivate(user=user)
    assert write(client, user, headers).status_code == 200
