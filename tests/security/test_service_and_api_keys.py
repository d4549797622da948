"""Service-to-service tokens (client credentials, audience-bound, rotatable secrets)
and members' API keys (shown once, hashed, prefixed, scoped, expiring, revocable)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domains.identity.models import ApiKey, ServiceClientSecret
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

API = "/api/v1/identity"


def post(client, path, body, **headers):
    return client.post(f"{API}/{path}", body, content_type="application/json", **headers)


def client_token(client, name, secret, audience):
    return post(
        client, "auth/token",
        {"grant_type": "client_credentials", "client_id": name, "client_secret": secret,
         "audience": audience},
    )  # fmt: skip


@pytest.fixture
def service(client):
    admin = member("admin")
    created = post(
        client, "service-clients",
        {"name": "marketplace-svc", "audiences": ["identity", "learning"], "scopes": ["user.read"]},
        **bearer(admin),
    )  # fmt: skip
    assert created.status_code == 201, created.content
    return admin, created.json()


def test_a_service_token_is_accepted_only_by_the_service_it_names(client, service):
    _, registered = service
    for_identity = client_token(client, "marketplace-svc", registered["client_secret"], "identity")
    for_learning = client_token(client, "marketplace-svc", registered["client_secret"], "learning")
    users = f"{API}/users"
    ok = client.get(users, HTTP_AUTHORIZATION=f"Bearer {for_identity.json()['access_token']}")
    assert ok.status_code == 200
    wrong = client.get(users, HTTP_AUTHORIZATION=f"Bearer {for_learning.json()['access_token']}")
    assert wrong.status_code == 401
    not_allowed = client_token(client, "marketplace-svc", registered["client_secret"], "governance")
    assert not_allowed.status_code == 400
    assert not_allowed.json()["errors"][0]["field"] == "audience"
    assert client_token(client, "marketplace-svc", "cs_wrong", "identity").status_code == 401


def test_secrets_are_hashed_and_rotate_with_two_valid_at_once(client, service):
    admin, registered = service
    first = registered["client_secret"]
    assert not ServiceClientSecret.objects.filter(secret_hash=first).exists()
    rotated = post(
        client, f"service-clients/{registered['id']}/secrets/rotate", {}, **bearer(admin)
    )
    second = rotated.json()["client_secret"]
    for secret in (first, second):  # both work while services roll out the new one
        assert client_token(client, "marketplace-svc", secret, "identity").status_code == 200
    third = post(
        client, f"service-clients/{registered['id']}/secrets/rotate", {}, **bearer(admin)
    ).json()["client_secret"]
    assert client_token(client, "marketplace-svc", first, "identity").status_code == 401
    for secret in (second, third):
        assert client_token(client, "marketplace-svc", secret, "identity").status_code == 200


def test_an_api_key_is_shown_once_hashed_scoped_tracked_and_revocable(client):
    ana = member()
    created = post(
        client,
        "me/api-keys/create",
        {"name": "cli", "scopes": ["account.manage_own"]},
        **bearer(ana),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    key = body["key"]
    assert key.startswith(f"lcp_{body['prefix']}_")
    stored = ApiKey.objects.get(pk=body["id"])
    assert key not in (stored.key_hash, stored.prefix) and stored.last_used_at is None
    listed = client.get(f"{API}/me/api-keys", **bearer(ana)).json()["results"]
    assert [k["prefix"] for k in listed] == [body["prefix"]] and "key" not in listed[0]

    assert client.get(f"{API}/me", HTTP_X_API_KEY=key).status_code == 200
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"ApiKey {key}").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    # Scoped: the key may read the account but not manage keys.
    assert client.get(f"{API}/me/api-keys", HTTP_X_API_KEY=key).status_code == 403
    # Exchanged for an access token that any part verifies locally.
    exchanged = post(client, "auth/api-key-token", {"api_key": key}).json()
    me = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {exchanged['access_token']}")
    assert me.status_code == 200

    assert post(client, f"me/api-keys/{body['id']}/revoke", {}, **bearer(ana)).status_code == 200
    assert client.get(f"{API}/me", HTTP_X_API_KEY=key).status_code == 401


def test_api_keys_expire_and_cannot_exceed_the_owner(client):
    ana = member()
    beyond = post(
        client, "me/api-keys/create", {"name": "x", "scopes": ["role.grant"]}, **bearer(ana)
    )
    assert beyond.status_code == 400 and beyond.json()["errors"][0]["field"] == "scopes"
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    expired = post(
        client,
        "me/api-keys/create",
        {"name": "x", "scopes": ["account.manage_own"], "expires_at": past},
        **bearer(ana),
    )
    assert expired.status_code == 400 and expired.json()["errors"][0]["field"] == "expires_at"
    created = post(
        client,
        "me/api-keys/create",
        {"name": "short", "scopes": ["account.manage_own"]},
        **bearer(ana),
    ).json()
    ApiKey.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/me", HTTP_X_API_KEY=created["key"]).status_code == 401
