"""Accounts over the API: register, verify the address, sign in, edit the profile,
reset a forgotten password, leave."""

import re

import pytest
from django.core import mail

from domains.identity.models import User
from eventing.models import OutboxMessage
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

API = "/api/v1/identity"
PASSWORD = "correct-horse-battery-staple-9"


def post(client, path, body, **headers):
    return client.post(f"{API}/{path}", body, content_type="application/json", **headers)


def test_register_verify_and_sign_in(client):
    response = post(
        client, "auth/register",
        {"email": "New.Member@Example.org", "password": PASSWORD, "display_name": "New"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["email_verified"] is False
    assert (
        OutboxMessage.objects.using("identity")
        .filter(event_type="identity.member_registered")
        .exists()
    )
    (message,) = mail.outbox
    assert message.to == ["new.member@example.org"]
    token = re.search(r"token=(\S+)", message.body).group(1)

    assert post(client, "auth/verify-email", {"token": token}).status_code == 204
    pair = post(client, "auth/login", {"email": "new.member@example.org", "password": PASSWORD})
    me = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {pair.json()['access_token']}")
    assert me.json()["email_verified"] is True
    assert me.json()["roles"] == ["learner"]


def test_a_second_registration_for_the_same_address_is_a_conflict(client):
    body = {"email": "twice@example.org", "password": PASSWORD, "display_name": "T"}
    assert post(client, "auth/register", body).status_code == 201
    again = post(client, "auth/register", {**body, "email": "TWICE@example.org"})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_a_weak_password_names_the_field(client):
    response = post(
        client, "auth/register", {"email": "w@example.org", "password": "123", "display_name": "W"}
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"password"}


def test_a_forged_verification_token_is_refused(client):
    response = post(client, "auth/verify-email", {"token": "abc:def:ghi"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "token"


def test_the_member_edits_their_own_profile(client):
    user = member()
    response = client.patch(
        f"{API}/me/profile",
        {"bio": "Learning Rust", "languages": ["pt-BR", "en"], "visibility": "public",
         "avatar_url": "https://cdn.example.org/a.png"},
        content_type="application/json", **bearer(user),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.bio, user.languages, user.visibility) == (
        "Learning Rust",
        ["pt-BR", "en"],
        "public",
    )
    bad = client.patch(
        f"{API}/me/profile", {"avatar_url": "javascript:alert(1)", "languages": ["??"]},
        content_type="application/json", **bearer(user),
    )  # fmt: skip
    assert {e["field"] for e in bad.json()["errors"]} == {"avatar_url", "languages.0"}


def test_a_forgotten_password_is_reset_by_mail(client):
    user = member(password=PASSWORD)
    assert post(client, "auth/password-reset", {"email": user.email}).status_code == 202
    assert post(client, "auth/password-reset", {"email": "nobody@example.org"}).status_code == 202
    (message,) = mail.outbox
    uid, token = re.search(r"uid=(\S+)&token=(\S+)", message.body).groups()
    new = "a-brand-new-password-77"
    body = {"uid": uid, "token": token, "new_password": new}
    assert post(client, "auth/password-reset/confirm", body).status_code == 204
    # The link works once.
    assert post(client, "auth/password-reset/confirm", body).status_code == 400
    assert post(client, "auth/login", {"email": user.email, "password": new}).status_code == 200


def test_a_reset_finds_the_member_whatever_the_case_of_the_address(client):
    user = member(password=PASSWORD)
    assert post(client, "auth/password-reset", {"email": user.email.upper()}).status_code == 202
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_a_deactivated_member_can_no_longer_sign_in(client):
    user = member(password=PASSWORD)
    assert post(client, "me/deactivate", {}, **bearer(user)).status_code == 204
    assert User.objects.get(pk=user.pk).is_active is False
    refused = post(client, "auth/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 401


def test_an_admin_deactivates_and_reactivates_a_member_a_learner_cannot(client):
    target, learner, admin = member(), member(), member("admin")
    assert post(client, f"users/{target.id}/deactivate", {}, **bearer(learner)).status_code == 403
    assert post(client, f"users/{target.id}/deactivate", {}, **bearer(admin)).status_code == 204
    assert User.objects.get(pk=target.pk).is_active is False
    assert post(client, f"users/{target.id}/reactivate", {}, **bearer(learner)).status_code == 403
    assert post(client, f"users/{target.id}/reactivate", {}, **bearer(admin)).status_code == 204
    assert User.objects.get(pk=target.pk).is_active is True


def test_passwords_use_the_chosen_argon2_parameters_and_old_hashes_are_upgraded(client):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = member(password=PASSWORD)
    assert "$m=19456,t=2,p=1$" in user.password
    User.objects.filter(pk=user.pk).update(
        password=Argon2PasswordHasher().encode(PASSWORD, "s" * 22)
    )
    assert "$m=102400,t=2,p=8$" in User.objects.get(pk=user.pk).password
    assert (
        post(client, "auth/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    )
    assert "$m=19456,t=2,p=1$" in User.objects.get(pk=user.pk).password
