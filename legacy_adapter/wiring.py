"""This process's legacy client, built from settings (the composition root for it).

Rebuilt after a fork (the pid changed): a pre-forking server must not share one pool's
sockets, or one breaker's window, between workers.
"""

from __future__ import annotations

from django.conf import settings

from common.per_process import PerProcess
from legacy_adapter.client import ClientConfig, LegacyClient
from legacy_adapter.resilience.breaker import BreakerPolicy

_client: PerProcess[LegacyClient] = PerProcess()


def client_config() -> ClientConfig:
    return ClientConfig(
        base_url=settings.LEGACY_BASE_URL,
        connect_timeout=settings.LEGACY_CONNECT_TIMEOUT,
        read_timeout=settings.LEGACY_READ_TIMEOUT,
        pool_size=settings.LEGACY_POOL_SIZE,
        retry_attempts=settings.LEGACY_RETRY_ATTEMPTS,
        retry_budget_seconds=settings.LEGACY_RETRY_BUDGET_SECONDS,
        breaker=BreakerPolicy(
            window_size=settings.LEGACY_BREAKER_WINDOW,
            minimum_calls=settings.LEGACY_BREAKER_MINIMUM_CALLS,
            failure_rate=settings.LEGACY_BREAKER_FAILURE_RATE,
            slow_call_seconds=settings.LEGACY_BREAKER_SLOW_CALL_SECONDS,
            open_seconds=settings.LEGACY_BREAKER_OPEN_SECONDS,
        ),
    )


def legacy_client() -> LegacyClient:
    return _client.get("legacy", lambda: LegacyClient(client_config()))


def reset_legacy_client() -> None:
    """Forget the client (settings changed, e.g. a test pointed at another legacy port)."""
    _client.clear()
