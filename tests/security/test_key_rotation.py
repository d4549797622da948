"""Key rotation under traffic: tokens signed before keep working until they expire,
tokens signed after verify with the new key, and nothing fetches the keys per request."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from common.auth.jwks import JwksCache, jwks_cache
from common.auth.tokens import InvalidToken, access_token_verify
from domains.identity.selectors import jwks_document
from domains.identity.services.keys import signing_key_rotate, signing_keys_prune
from domains.identity.services.tokens import member_access_token
from tests.security.conftest import member

ME = "/api/v1/identity/me"


@pytest.mark.django_db(databases=["default", "identity"])
def test_requests_keep_succeeding_while_the_key_rotates(client, settings):
    """A stream of requests, half with a token from before the rotation, half with the
    newest token, while the key rotates in the middle of the stream."""
    settings.AUTH_JWKS_MIN_REFRESH_SECONDS = 5  # the hand-over comes 5 s after the rotation
    user = member()
    seconds = {"now": 0.0}
    jwks_cache().clock = lambda: seconds["now"]
    start = timezone.now()
    before = member_access_token(user=user, now=start)
    current, statuses = before, []
    for n in range(200):
        seconds["now"] += 0.1
        at = start + timedelta(seconds=seconds["now"])
        if n == 100:
            new_key = signing_key_rotate(now=at)
            # Published now, signing only once every cache may have refreshed.
            assert (
                jwt.get_unverified_header(member_access_token(user=user, now=at))["kid"]
                != new_key.kid
            )
        if n >= 100:
            current = member_access_token(user=user, now=at)
        token = before if n % 2 else current
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
        statuses.append(response.status_code)
        assert response.status_code == 200, (n, response.content)
    assert statuses == [200] * 200
    assert jwt.get_unverified_header(current)["kid"] == new_key.kid
    assert jwt.get_unverified_header(before)["kid"] != new_key.kid
    # Two fetches in 200 requests: one at start, one when the new kid first appeared.
    assert jwks_cache().fetches == 2


@pytest.mark.django_db(databases=["default", "identity"])
def test_old_keys_verify_until_their_tokens_expire_then_leave_the_jwks():
    now = timezone.now()
    user = member()
    old_token = member_access_token(user=user, now=now)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    new_key = signing_key_rotate(now=now)
    hand_over = now + timedelta(seconds=settings.AUTH_JWKS_MIN_REFRESH_SECONDS)
    new_token = member_access_token(user=user, now=hand_over)
    assert jwt.get_unverified_header(new_token)["kid"] == new_key.kid

    clock = {"t": 0.0}
    cache = JwksCache(
        lambda: jwks_document(now=now + timedelta(seconds=clock["t"])),
        ttl=settings.AUTH_JWKS_CACHE_SECONDS,
        min_refresh=settings.AUTH_JWKS_MIN_REFRESH_SECONDS,
        clock=lambda: clock["t"],
    )
    at = now.timestamp()
    for token in (old_token, new_token):
        access_token_verify(token, audiences=["platform"], jwks=cache, now=at + 60)
    assert {k["kid"] for k in jwks_document(now=now)["keys"]} == {old_kid, new_key.kid}

    # After the access-token lifetime and the grace, the old key is no longer published.
    later = now + timedelta(seconds=settings.AUTH_ACCESS_TOKEN_SECONDS * 3)
    assert {k["kid"] for k in jwks_document(now=later)["keys"]} == {new_key.kid}
    clock["t"] = settings.AUTH_JWKS_CACHE_SECONDS + settings.AUTH_ACCESS_TOKEN_SECONDS * 3
    with pytest.raises(InvalidToken, match="unknown or retired"):
        access_token_verify(old_token, audiences=["platform"], jwks=cache, now=later.timestamp())
    assert signing_keys_prune(now=later) == 1


def test_unknown_kids_cannot_force_a_fetch_per_request():
    fetched = []
    clock = {"t": 0.0}
    cache = JwksCache(
        lambda: fetched.append(1) or {"keys": []}, ttl=300, min_refresh=10, clock=lambda: clock["t"]
    )
    for n in range(1000):
        assert cache.key(f"made-up-{n}") is None
    assert len(fetched) == 1
    clock["t"] = 11
    cache.key("another")
    assert len(fetched) == 2
