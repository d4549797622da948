"""Subjects whose tokens stop writing at once: deactivated members.

A verified access token stays valid until it expires (up to ``AUTH_MAX_TOKEN_SECONDS``)
and every process verifies locally, so deactivating a member would leave their writes
working that long. Identity puts the member's id on this short deny-list (the shared
rate-limit cache: Redis, seen by every process) for that long; bearer-token
authentication refuses unsafe methods (POST, PUT, PATCH, DELETE) from a listed
subject with 401. Reads go on until the token expires.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _key(subject: str) -> str:
    return f"denied-subject:{subject}"


def subject_deny(subject: str) -> None:
    """Until any token issued before now has expired (with the clock leeway)."""
    timeout = settings.AUTH_MAX_TOKEN_SECONDS + settings.AUTH_CLOCK_LEEWAY_SECONDS
    caches[settings.RATELIMIT_USE_CACHE].set(_key(subject), 1, timeout=timeout)


def subject_allow(subject: str) -> None:
    caches[settings.RATELIMIT_USE_CACHE].delete(_key(subject))


def subject_denied(subject: str) -> bool:
    return caches[settings.RATELIMIT_USE_CACHE].get(_key(subject)) is not None
