"""The HTTP client to the legacy system: pooled, bounded in time, retried with care,
guarded by a circuit breaker.

- Timeouts on connect and on read, from settings; one urllib3 pool per process.
- Retries (tenacity) only for idempotent methods and retryable failures (connection
  errors, timeouts, 502/503/504), with exponential backoff and full jitter, within an
  attempt count *and* a time budget so a slow legacy never holds a request for long.
- Every attempt passes the breaker; when it is open the call fails at once with
  ``LegacyUnavailable`` (the gateway answers 503 problem+json).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from common.tls import client_context
from legacy_adapter import usage
from legacy_adapter.resilience.breaker import BreakerOpen, BreakerPolicy, CircuitBreaker

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({502, 503, 504})
#: Hop-by-hop and framing headers a proxy must not forward.
_DROPPED = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


class LegacyUnavailable(Exception):
    """The legacy system did not answer usefully: timed out, unreachable, or breaker open."""

    def __init__(self, reason: str, detail: str, retry_after: float = 1.0) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.retry_after = reason, detail, retry_after


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    connect_timeout: float = 0.5
    read_timeout: float = 2.0
    pool_size: int = 10
    retry_attempts: int = 3
    retry_budget_seconds: float = 3.0
    backoff_base_seconds: float = 0.05
    backoff_max_seconds: float = 1.0
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)


@dataclass(frozen=True)
class LegacyResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class LegacyClient:
    def __init__(self, config: ClientConfig, *, breaker: CircuitBreaker | None = None) -> None:
        self.config = config
        self.breaker = breaker or CircuitBreaker("legacy", config.breaker)
        self._pool = urllib3.PoolManager(
            num_pools=2,
            maxsize=config.pool_size,
            block=False,
            timeout=urllib3.Timeout(connect=config.connect_timeout, read=config.read_timeout),
            retries=False,
            ssl_context=client_context(),
        )
        #: Attempts made, for tests and the benchmark (attempts per call stay within budget).
        self.attempts = 0

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | str | None = None,
        body: bytes | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> LegacyResponse:
        url = self.config.base_url.rstrip("/") + path
        if query:
            url += "?" + (query if isinstance(query, str) else urlencode(query))
        headers = {k: v for k, v in (headers or {}).items() if k.lower() not in _DROPPED}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        method = method.upper()
        if method not in IDEMPOTENT:
            return self._attempt(method, url, body, headers)
        retrying = Retrying(
            stop=stop_after_attempt(self.config.retry_attempts)
            | stop_after_delay(self.config.retry_budget_seconds),
            wait=wait_random_exponential(
                multiplier=self.config.backoff_base_seconds, max=self.config.backoff_max_seconds
            ),
            retry=retry_if_exception_type(_Retryable)
            | retry_if_result(lambda r: r.status in RETRYABLE_STATUS),
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, url, body, headers, retryable=True)
        except RetryError as exc:  # the last attempt returned a retryable status
            return exc.last_attempt.result()
        except _Retryable as exc:
            raise exc.unavailable from None

    def _attempt(self, method, url, body, headers, retryable: bool = False) -> LegacyResponse:
        try:
            self.breaker.acquire()
        except BreakerOpen as exc:
            raise LegacyUnavailable("breaker-open", str(exc), exc.retry_after) from None
        self.attempts += 1
        usage.record(method, urlsplit(url).path)
        started = time.monotonic()
        try:
            raw = self._pool.request(method, url, body=body, headers=headers, preload_content=True)
        except urllib3.exceptions.HTTPError as exc:
            self.breaker.record(ok=False, seconds=time.monotonic() - started)
            reason = _failure_reason(exc)
            unavailable = LegacyUnavailable(reason, f"legacy {reason}: {exc}")
            if retryable:
                raise _Retryable(unavailable) from exc
            raise unavailable from exc
        response = LegacyResponse(raw.status, dict(raw.headers), raw.data)
        self.breaker.record(ok=response.status < 500, seconds=time.monotonic() - started)
        return response


def _failure_reason(exc: urllib3.exceptions.HTTPError) -> str:
    """``unreachable`` (nothing listens, DNS, reset: 503) or ``timeout`` (504).

    urllib3 2 makes ``NewConnectionError`` (connection refused) a subclass of
    ``ConnectTimeoutError`` for compatibility, so a refusal must be told apart before
    the timeout test, or a dead legacy host reads "did not answer in time".
    """
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # also NameResolutionError
        return "unreachable"
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in str(exc):
        return "timeout"
    return "unreachable"


class _Retryable(Exception):
    def __init__(self, unavailable: LegacyUnavailable) -> None:
        super().__init__(unavailable.detail)
        self.unavailable = unavailable
