"""A platform service's access token for calling another part, by client credentials.

The caller (the gateway in split mode, a domain's client behind a port) keeps one
``ServiceTokenSource`` per target audience; ``token()`` answers from memory and asks
identity's token endpoint again only when the token is within ``refresh_margin``
seconds of expiry, so calls between services do not call identity each time.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable

from common.tls import client_context


class ServiceTokenUnavailable(Exception):
    """Identity refused the credentials or could not be reached."""


class ServiceTokenSource:
    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        audience: str,
        timeout: float = 3.0,
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not token_url.startswith(("http://", "https://")):
            raise ValueError(f"token_url must be an http(s) URL, not {token_url!r}.")
        self._url, self._timeout, self._margin, self._clock = (
            token_url, timeout, refresh_margin, clock,
        )  # fmt: skip
        self._body = json.dumps(
            {"grant_type": "client_credentials", "client_id": client_id,
             "client_secret": client_secret, "audience": audience}
        ).encode()  # fmt: skip
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._fetch()
            return self._token

    def _fetch(self) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self._url, data=self._body, headers={"Content-Type": "application/json"}
        )
        started = self._clock()
        try:
            with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
                request, timeout=self._timeout, context=client_context()
            ) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise ServiceTokenUnavailable(f"No service token from {self._url}: {exc}") from exc
        self._token = answer["access_token"]
        self._expires_at = started + float(answer["expires_in"])
