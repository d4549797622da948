"""Identity: one member per mailbox, e-mail logins, the signed-in member's own account."""

import pytest
from django.db import IntegrityError, transaction

from domains.identity.domain.accounts import normalize_email
from domains.identity.models import User


def test_addresses_are_case_insensitive_and_trimmed():
    assert normalize_email("  Ana.Silva@Example.ORG ") == "ana.silva@example.org"


@pytest.mark.django_db(databases=["identity"])
def test_a_second_account_for_the_same_mailbox_is_refused():
    User.objects.create_user("Ana@Example.org", "a-long-password-1")
    with pytest.raises(IntegrityError), transaction.atomic(using="identity"):
        User.objects.create_user("ana@example.ORG", "a-long-password-2")


@pytest.mark.django_db(databases=["identity"])
def test_passwords_are_hashed_with_argon2():
    user = User.objects.create_user("hash@example.org", "a-long-password-1")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-password-1")


@pytest.mark.django_db(databases=["identity"])
def test_me_returns_the_signed_in_member(client):
    user = User.objects.create_user("me@example.org", "a-long-password-1", display_name="Me")
    client.force_login(user)
    body = client.get("/api/v1/identity/me").json()
    assert body["id"] == str(user.id)
    assert body["email"] == "me@example.org"
    assert body["display_name"] == "Me"
