"""The JSON Web Key Set that access tokens are verified against, cached per process.

Where identity is served, the set is read from its database through a provider named
in ``AUTH_JWKS_PROVIDER``; elsewhere it is fetched over HTTP from ``AUTH_JWKS_URL``.
Either way it is kept for ``AUTH_JWKS_CACHE_SECONDS`` and never fetched per request.
A token naming a key the cached set lacks (a rotation just happened) triggers one
early refresh, at most once per ``AUTH_JWKS_MIN_REFRESH_SECONDS``, so a flood of tokens
with made-up ``kid`` values cannot turn into a flood of fetches.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt
from django.conf import settings
from django.utils.module_loading import import_string

from common.tls import client_context

Clock = Callable[[], float]


class JwksUnavailable(Exception):
    """The key set could not be fetched and no cached copy is left."""


def http_fetcher(url: str, *, timeout: float) -> Callable[[], dict[str, Any]]:
    def fetch() -> dict[str, Any]:
        if not url.startswith(("http://", "https://")):
            raise JwksUnavailable(f"AUTH_JWKS_URL must be an http(s) URL, not {url!r}.")
        try:
            with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
                url, timeout=timeout, context=client_context()
            ) as response:
                return json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise JwksUnavailable(f"Could not fetch the JWKS from {url}: {exc}") from exc

    return fetch


class JwksCache:
    """Public keys by ``kid``, refreshed every ``ttl`` seconds or early on an unknown kid."""

    def __init__(
        self,
        fetch: Callable[[], dict[str, Any]],
        *,
        ttl: float,
        min_refresh: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self._fetch, self._ttl, self._min_refresh = fetch, ttl, min_refresh
        #: Seconds, monotonic; tests replace it to move time.
        self.clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def key(self, kid: str) -> jwt.PyJWK | None:
        now = self.clock()
        age = None if self._fetched_at is None else now - self._fetched_at
        stale = age is None or age >= self._ttl
        if stale or (kid not in self._keys and age >= self._min_refresh):
            self._refresh(now)
        return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        with self._lock:
            try:
                document = self._fetch()
            except JwksUnavailable:
                if self._fetched_at is None:
                    raise
                # Keep verifying with the keys we have; try again after min_refresh.
                self._fetched_at = now - self._ttl + self._min_refresh
                return
            self.fetches += 1
            self._keys = {
                k["kid"]: jwt.PyJWK(k)
                for k in document.get("keys", [])
                if k.get("kid") and k.get("alg") in settings.AUTH_ALGORITHMS
            }
            self._fetched_at = now


_cache: JwksCache | None = None
_cache_lock = threading.Lock()


def jwks_cache() -> JwksCache:
    """This process's cache, built from the settings on first use."""
    global _cache
    with _cache_lock:
        if _cache is None:
            if settings.AUTH_JWKS_PROVIDER:
                fetch = import_string(settings.AUTH_JWKS_PROVIDER)
            else:
                fetch = http_fetcher(settings.AUTH_JWKS_URL, timeout=settings.AUTH_JWKS_TIMEOUT)
            _cache = JwksCache(
                fetch,
                ttl=settings.AUTH_JWKS_CACHE_SECONDS,
                min_refresh=settings.AUTH_JWKS_MIN_REFRESH_SECONDS,
            )
        return _cache


def jwks_cache_reset() -> None:
    """Forget the cached set (tests that start from a fresh key store)."""
    global _cache
    with _cache_lock:
        _cache = None
