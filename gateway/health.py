"""The new side's health per route: a circuit breaker per route and process.

When a route's new handler fails (errors or slow calls over the sliding window), its
breaker opens and the route is served by legacy automatically — counted in
``gateway_legacy_fallback_total`` and alerted on (``LegacyFallbackActive``). After
the open period a few probe requests go to new code again; if they succeed the route
is back on new code without anyone touching a flag.
"""

from __future__ import annotations

from django.conf import settings

from common.per_process import PerProcess
from legacy_adapter.resilience.breaker import BreakerPolicy, CircuitBreaker, State

_breakers: PerProcess[CircuitBreaker] = PerProcess()


def new_side_breaker(route_key: str) -> CircuitBreaker:
    def build() -> CircuitBreaker:
        policy = BreakerPolicy(
            window_size=max(20, settings.GATEWAY_NEW_BREAKER_MINIMUM_CALLS),
            minimum_calls=settings.GATEWAY_NEW_BREAKER_MINIMUM_CALLS,
            failure_rate=settings.GATEWAY_NEW_BREAKER_FAILURE_RATE,
            open_seconds=settings.GATEWAY_NEW_BREAKER_OPEN_SECONDS,
            half_open_probes=1,
        )
        return CircuitBreaker(f"gateway-new:{route_key}", policy)

    return _breakers.get(route_key, build)


def unhealthy(route_key: str) -> frozenset[str]:
    """``{route_key}`` when that route's new side is failing, else empty.

    Asked on every routed request, so it only looks: a route whose new side was never
    called has no breaker yet (it would start closed), and none is made for it here —
    no breaker or gauge series for the routes legacy alone serves."""
    breaker = _breakers.peek(route_key)
    return frozenset({route_key}) if breaker and breaker.state is State.OPEN else frozenset()


def reset() -> None:
    """Forget every breaker (tests; a deploy that fixed the new side starts clean anyway)."""
    _breakers.clear()
