"""Forged, stale and misdirected tokens are refused with 401 + WWW-Authenticate."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from domains.identity.models import SigningKey
from domains.identity.services.tokens import access_token_issue, member_access_token
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

ME = "/api/v1/identity/me"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused(client, token: str) -> dict:
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/authentication-failed"
    return body


@pytest.fixture
def user():
    return member()


@pytest.fixture
def good(user) -> str:
    return member_access_token(user=user)


def test_a_good_token_is_accepted(client, user, good):
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {good}")
    assert response.status_code == 200
    assert response.json()["id"] == str(user.id)


def test_alg_none_is_refused(client, good):
    claims = jwt.decode(good, options={"verify_signature": False})
    header = jwt.get_unverified_header(good)
    forged = (
        f"{b64(json.dumps({**header, 'alg': 'none'}).encode())}.{b64(json.dumps(claims).encode())}."
    )
    assert "not accepted" in refused(client, forged)["detail"]


def test_an_hmac_token_signed_with_the_public_key_is_refused(client, good):
    header = {**jwt.get_unverified_header(good), "alg": "HS256"}
    claims = jwt.decode(good, options={"verify_signature": False})
    public = SigningKey.objects.get(kid=header["kid"]).public_jwk
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    for secret in (public["x"].encode(), json.dumps(public).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        refused(client, f"{signing_input}.{b64(mac)}")


def test_an_unknown_kid_is_refused(client, good):
    _header, payload, signature = good.split(".")
    fields = {**jwt.get_unverified_header(good), "kid": "not-a-published-key"}
    assert (
        "unknown"
        in refused(client, f"{b64(json.dumps(fields).encode())}.{payload}.{signature}")["detail"]
    )


def test_an_expired_token_is_refused(client, user):
    old = access_token_issue(
        subject=str(user.id), audience="platform", kind="member",
        scopes=frozenset({"account.manage_own"}), lifetime=300,
        now=timezone.now() - timedelta(minutes=10),
    )  # fmt: skip
    assert "expired" in refused(client, old)["detail"]


def test_a_token_for_another_audience_is_refused(client, user):
    for_learning = access_token_issue(
        subject=str(user.id), audience="learning", kind="service",
        scopes=frozenset({"account.manage_own"}), lifetime=300,
    )  # fmt: skip
    assert "audience" in refused(client, for_learning)["detail"].lower()


def test_a_tampered_payload_is_refused(client, good):
    header, _payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    claims["roles"] = [*claims["roles"], "admin"]
    claims["scopes"] = [*claims["scopes"], "role.grant"]
    refused(client, f"{header}.{b64(json.dumps(claims).encode())}.{signature}")


def test_a_token_from_another_issuer_is_refused(client, user, settings):
    settings.AUTH_ISSUER = "https://evil.example"
    token = member_access_token(user=user)
    settings.AUTH_ISSUER = "urn:learning-community:identity"
    refused(client, token)


def test_garbage_is_refused(client):
    refused(client, "not.a.jwt")
