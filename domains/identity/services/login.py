"""Signing in with e-mail and password, with a lock-out after repeated failures.

Failures are counted per account in the shared rate-limit cache (Redis in production,
so every process sees them). After ``LOGIN_LOCKOUT_THRESHOLD`` failures the account
refuses logins, even with the right password, for ``LOGIN_LOCKOUT_SECONDS``: a
password-guessing run stops there whatever addresses it comes from. A successful
login clears the count. The per-address rate limit of the endpoint is separate
(``LOGIN_RATE``).
"""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import caches

from common.refusals import RateLimited, Unauthenticated
from domains.identity.domain.accounts import normalize_email
from domains.identity.models import User


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password("no-such-member-password")


class LoginRefused(Unauthenticated):
    """Wrong e-mail or password, or an inactive account (not said which)."""


class LoginLocked(RateLimited):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-ins; this account is locked for a while.",
            retry_after=retry_after,
        )


def _keys(email: str) -> tuple[str, str]:
    return f"login-failures:{email}", f"login-locked:{email}"


def login_authenticate(*, email: str, password: str) -> User:
    cache = caches[settings.RATELIMIT_USE_CACHE]
    email = normalize_email(email)
    failures_key, locked_key = _keys(email)
    locked_until = cache.get(locked_key)
    if locked_until is not None:
        raise LoginLocked(retry_after=max(1, int(locked_until - time.time())))
    user = User.objects.filter(email=email).first()
    if user is None:
        # The same Argon2 cost as a real check: timing does not tell which addresses exist.
        check_password(password, _dummy_hash())
        ok = False
    else:
        ok = user.check_password(password)
    if ok and user.is_active:
        cache.delete(failures_key)
        return user
    window = settings.LOGIN_LOCKOUT_SECONDS
    cache.add(failures_key, 0, timeout=window)
    failures = cache.incr(failures_key)
    if failures >= settings.LOGIN_LOCKOUT_THRESHOLD:
        cache.set(locked_key, time.time() + window, timeout=window)
        cache.delete(failures_key)
    raise LoginRefused("The e-mail address or the password is wrong.")
