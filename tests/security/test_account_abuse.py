"""Account abuse the audit found (issue 15, Low): an API key with
``account.manage_own`` could deactivate the account (and change its password), and
registration and password-reset spam had no per-route limit."""

import pytest

from domains.identity.services.api_keys import api_key_create
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

API = "/api/v1/identity"
PASSWORD = "the-right-password-123"


@pytest.fixture
def key_and_owner():
    owner = member(password=PASSWORD)
    _, key = api_key_create(user=owner, name="ci", scopes=["account.manage_own"], expires_at=None)
    return key, owner


def test_an_api_key_cannot_deactivate_the_account_or_change_the_password(client, key_and_owner):
    key, owner = key_and_owner
    headers = {"HTTP_AUTHORIZATION": f"ApiKey {key}"}
    assert client.get(f"{API}/me", **headers).status_code == 200  # the key works
    deactivate = client.post(f"{API}/me/deactivate", **headers)
    assert deactivate.status_code == 403
    change = client.post(
        f"{API}/me/password", {"current_password": PASSWORD, "new_password": "an-other-pass-456"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert change.status_code == 403
    owner.refresh_from_db()
    assert owner.is_active and owner.check_password(PASSWORD)
    # Nor with the access token the key is exchanged for.
    token = client.post(
        f"{API}/auth/api-key-token", {"api_key": key}, content_type="application/json"
    ).json()["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post(f"{API}/me/deactivate", **bearer).status_code == 403


@pytest.mark.parametrize(
    ("route", "body", "setting"),
    [("auth/register", {"email": "x@example.org", "password": "p", "display_name": "x"},
      "REGISTRATION_RATE"),
     ("auth/password-reset", {"email": "x@example.org"}, "PASSWORD_RESET_RATE")],
)  # fmt: skip
def test_registration_and_reset_have_their_own_limits(client, settings, route, body, setting):
    from domains.identity.api import registration

    view = {"auth/register": registration.RegisterApi}.get(
        route, registration.PasswordResetRequestApi
    )
    assert view.rate_limit == getattr(settings, setting)
    statuses = set()
    limit = int(view.rate_limit.split("/")[0])
    for _ in range(limit + 1):
        statuses.add(
            client.post(f"{API}/{route}", body, content_type="application/json").status_code
        )
    assert 429 in statuses
