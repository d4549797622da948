"""Refresh tokens rotate within a family; reuse revokes that family only; logout too."""

import pytest

from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

LOGIN, REFRESH, LOGOUT = (f"/api/v1/identity/auth/{p}" for p in ("login", "refresh", "logout"))
PASSWORD = "a-long-password-for-tests-1"


def login(client, user) -> dict:
    response = client.post(
        LOGIN, {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def refresh(client, token: str):
    return client.post(REFRESH, {"refresh_token": token}, content_type="application/json")


def test_a_refresh_returns_a_new_pair_and_the_old_token_is_spent(client):
    user = member(password=PASSWORD)
    first = login(client, user)
    second = refresh(client, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        client.get(
            "/api/v1/identity/me", HTTP_AUTHORIZATION=f"Bearer {second['access_token']}"
        ).status_code
        == 200
    )
    assert refresh(client, second["refresh_token"]).status_code == 200


def test_reuse_revokes_that_family_only(client):
    user = member(password=PASSWORD)
    laptop, phone = login(client, user), login(client, user)
    laptop_next = refresh(client, laptop["refresh_token"]).json()

    replay = refresh(client, laptop["refresh_token"])  # a stolen, already used token
    assert replay.status_code == 401
    assert "already used" in replay.json()["detail"]
    # The whole laptop family is gone, including its newest token...
    revoked = refresh(client, laptop_next["refresh_token"])
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    # ...while the phone stays signed in.
    assert refresh(client, phone["refresh_token"]).status_code == 200


def test_logout_revokes_the_family(client):
    user = member(password=PASSWORD)
    pair = login(client, user)
    response = client.post(
        LOGOUT, {"refresh_token": pair["refresh_token"]}, content_type="application/json"
    )
    assert response.status_code == 204
    assert refresh(client, pair["refresh_token"]).status_code == 401


def test_a_password_change_signs_out_every_device(client):
    user = member(password=PASSWORD)
    pair = login(client, user)
    response = client.post(
        "/api/v1/identity/me/password",
        {"current_password": PASSWORD, "new_password": "another-long-password-2"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}",
    )
    assert response.status_code == 204
    assert refresh(client, pair["refresh_token"]).status_code == 401
