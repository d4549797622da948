"""The strangler gateway middleware: routes legacy API paths by the route table.

Paths of the legacy API contract (``/api/...`` but not the new ``/api/v1/...``, schema
or docs) go through the gateway; everything else passes straight to Django. For each
request it matches the route, asks ``gateway.decision.decide`` where it goes, and
carries that out: proxy to legacy, call the new handler in process, both for a shadowed
read (the new side after the response is sent), 410 for a retired route, 503 when the
route is saturated. Unknown routes go to legacy and are counted as ``unknown``.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api.problems import problem_response
from common.auth.authentication import principal_from_claims
from common.auth.jwks import jwks_cache
from common.auth.tokens import InvalidToken, access_token_verify
from gateway import health, metrics, traffic
from gateway.decision import READS, Decision, GlobalFlags, RequestFacts, Target, decide
from gateway.limits import Saturated, concurrency_slot
from gateway.modes import RouteMode
from gateway.paths import PathRefused, normalised
from gateway.shadow_run import schedule_shadow
from gateway.sides import NewAnswer, call_new, legacy_shape, serve_legacy
from gateway.table import CompiledRoute, TableCache
from legacy_adapter.resilience.breaker import BreakerOpen

logger = logging.getLogger(__name__)

_NOT_LEGACY = ("/api/v1/", "/api/schema/", "/api/docs/")


def is_gateway_path(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(_NOT_LEGACY)


def request_facts(request: HttpRequest, route: CompiledRoute | None) -> RequestFacts:
    """Who is asking: verified only when a canary needs it (the token check costs)."""
    headers = {}
    user_id, roles = None, frozenset()
    if route is not None and route.flags.mode is RouteMode.CANARY:
        if route.flags.cohort_header:
            name = route.flags.cohort_header.partition(":")[0].strip()
            value = request.headers.get(name)
            if value is not None:
                headers[name.lower()] = value
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            try:
                claims = access_token_verify(
                    auth[7:], audiences=(settings.AUTH_AUDIENCE,), jwks=jwks_cache()
                )
                principal = principal_from_claims(claims)
                user_id, roles = str(principal.id), principal.roles
            except InvalidToken:
                pass  # an invalid token stays on legacy; the handler rejects it there
    return RequestFacts(method=request.method, user_id=user_id, roles=roles, headers=headers)


_FALLBACK_WHY = {
    "breaker_open": "the new side's breaker is open (it failed recently)",
    "new_error": "the new side failed",
}


def _fallback(label: str, reason: str, request: HttpRequest, status: int | None = None) -> None:
    """Count a fallback to legacy and log it with the route and the reason, so the
    operator reading the logs sees which route left new code and why, not only a rate."""
    metrics.FALLBACKS.labels(label, reason).inc()
    logger.warning(
        "gateway fallback to legacy on %s: %s%s",
        label, _FALLBACK_WHY[reason], f" (status {status})" if status else "",
        extra={"route": label, "reason": reason, "path": request.path, "new_status": status},
    )  # fmt: skip


class GatewayMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.table = TableCache(settings.GATEWAY_FLAGS_TTL_SECONDS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_gateway_path(request.path_info):
            return self.get_response(request)
        started = time.perf_counter()
        try:
            # Matched and forwarded from here on: never the path as sent (gateway/paths.py).
            request.path_info = normalised(request.path_info, prefix="/api/", excluded=_NOT_LEGACY)
        except PathRefused as exc:
            return problem_response(request, 400, str(exc))
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.GATEWAY_MAX_BODY_BYTES:
            return problem_response(request, 413, "The request body is too large.")
        table = self.table.get()
        route, params = table.match(request.method, request.path_info)
        label = route.key if route else "unknown"
        flags = GlobalFlags(
            kill_all=table.kill_all,
            new_unhealthy=health.unhealthy(route.key) if route else frozenset(),
            shadow_off=table.degraded.get("shadow_comparison", False),
        )
        decision = decide(route.flags if route else None, flags, request_facts(request, route))
        try:
            with concurrency_slot(route.id, route.max_concurrency) if route else nullcontext():
                response, served = self._carry_out(request, route, params, decision, label)
        except Saturated:
            metrics.LOADSHED.labels("gateway", label).inc()
            return problem_response(
                request, 503, "This endpoint is busy; try again shortly.",
                headers={"Retry-After": "1"},
            )  # fmt: skip
        response["X-Served-By"] = served  # which side answered, for ops and clients' bug reports
        metrics.REQUESTS.labels(label, served, metrics.outcome(response.status_code)).inc()
        metrics.DURATION.labels(label, served).observe(time.perf_counter() - started)
        if route is not None:
            traffic.count(route.id, served)
            if decision.shadow and served == "legacy":
                schedule_shadow(request, response, route, params)
        return response

    def _carry_out(self, request, route, params, decision: Decision, label: str):
        if decision.target is Target.GONE:
            return problem_response(request, 410, "This endpoint has been retired."), "gone"
        if decision.fallback:
            _fallback(label, "breaker_open", request)
        if decision.target is Target.NEW:
            served = self._try_new(request, route, params, label)
            if served is not None:
                return served, "new"
        return serve_legacy(request, route, params), "legacy"

    def _try_new(self, request, route: CompiledRoute, params, label: str) -> HttpResponse | None:
        """The new side's answer, or None when legacy must serve instead (a fallback)."""
        breaker = health.new_side_breaker(route.key)
        try:
            breaker.acquire()
        except BreakerOpen:
            _fallback(label, "breaker_open", request)
            return None
        started = time.monotonic()
        shaped = None
        try:
            answer = call_new(request, route, params)
            if answer.status < 500:
                # A translator that fails (or that an edit named wrongly before save-time
                # checks existed) is a new-side failure like any other, never a bare 500.
                shaped = legacy_shape(route, answer.status, answer.body)
        except Exception:
            logger.exception("new handler of %s failed", route.key)
            answer = NewAnswer(500, None)
        status = answer.status
        breaker.record(ok=status < 500, seconds=time.monotonic() - started)
        if status >= 500 and request.method in READS:
            # A failed read is safe to answer from legacy; a failed write is not
            # replayed there (it may have half-happened on the new side).
            _fallback(label, "new_error", request, status=status)
            return None
        if status >= 500:
            return problem_response(request, 502, "The new handler failed; nothing was retried.")
        response = JsonResponse(shaped, status=status, safe=False)
        for name, value in answer.headers:
            response[name] = value
        return response
