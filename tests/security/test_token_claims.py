"""Validly signed tokens with claims the platform never issues (issue 15, Low): a
one-year lifetime was accepted, a non-UUID ``sub`` or a non-numeric ``nbf`` answered
500. Each is a 401 now."""

import pytest

from domains.identity.services.tokens import access_token_issue
from tests.security.conftest import member
from tests.security.test_token_attacks import refused

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

ME = "/api/v1/identity/me"


def signed(subject: str, *, lifetime: int = 300, extra: dict | None = None) -> str:
    """Signed by the platform's own active key: only the claims are wrong."""
    return access_token_issue(
        subject=subject, audience="platform", kind="member", lifetime=lifetime,
        scopes=frozenset({"account.manage_own"}), extra=extra,
    )  # fmt: skip


def test_a_one_year_token_is_refused(client):
    user = member()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {signed(str(user.id))}").status_code == 200
    body = refused(client, signed(str(user.id), lifetime=365 * 86_400))
    assert "lifetime" in body["detail"]


@pytest.mark.parametrize("subject", ["admin", "1 OR 1=1", ""])
def test_a_non_uuid_subject_is_a_401(client, subject):
    refused(client, signed(subject))


@pytest.mark.parametrize("nbf", ["yesterday", None, [1], True])
def test_a_non_numeric_nbf_is_a_401(client, nbf):
    refused(client, signed(str(member().id), extra={"nbf": nbf}))
