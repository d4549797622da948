"""Carrying out a decision: the legacy side over HTTP, the new side in process.

The new side is the domain's own endpoint under ``/api/v1/...``, reached through
Django's URL resolver with the same request (so the domain authenticates and
authorises it as usual) — or, in split mode (``GATEWAY_NEW_BASE_URLS`` set, e.g. a
``SERVICE=gateway`` process in front of one process per domain), over HTTP to the
process of the route's domain (``/api/v1/<domain>/...``) with the caller's
credentials, through the same resilient client as legacy calls (timeouts, retries for
reads) and a breaker *per domain*, so one failing domain never pauses calls to the
others. Its answer is put in the legacy contract's shape by the anti-corruption
translator the route names. Legacy numeric ids in the path become the
new side's ids the same way the backfill derives them.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from common import degradation
from common.api.problems import problem, problem_response
from common.per_process import PerProcess
from gateway.paths import for_forwarding
from gateway.table import CompiledRoute
from legacy_adapter import usage
from legacy_adapter.acl.responses import to_legacy
from legacy_adapter.acl.values import KINDS, uuid_for
from legacy_adapter.client import ClientConfig, LegacyClient, LegacyResponse, LegacyUnavailable
from legacy_adapter.resilience.breaker import CircuitBreaker
from legacy_adapter.wiring import legacy_client

logger = logging.getLogger(__name__)

_FORWARDED = ("CONTENT_TYPE", "HTTP_ACCEPT", "HTTP_AUTHORIZATION", "HTTP_X_REQUEST_ID")
#: Headers of the new side's answer that the client still needs after translation.
_CARRIED = (degradation.HEADER,)


class NewAnswer(NamedTuple):
    """The domain endpoint's answer: status, parsed body, and the ``_CARRIED`` headers."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


def _carried(headers) -> tuple[tuple[str, str], ...]:
    found = {name.lower(): value for name, value in headers.items()}
    return tuple((name, found[name.lower()]) for name in _CARRIED if name.lower() in found)


def _forward(client: LegacyClient, request: HttpRequest, path: str) -> LegacyResponse:
    """``request`` replayed to ``path`` over ``client``: the same method, query and body,
    and only the ``_FORWARDED`` headers (the rest are this hop's, not the caller's)."""
    headers = {
        key.removeprefix("HTTP_").replace("_", "-").title(): request.META[key]
        for key in _FORWARDED
        if request.META.get(key)
    }
    return client.request(
        request.method, for_forwarding(path), query=request.META.get("QUERY_STRING") or None,
        body=request.body or None, headers=headers,
    )  # fmt: skip


def serve_legacy(request: HttpRequest, route: CompiledRoute | None, params: dict) -> HttpResponse:
    path = route.legacy_target.format(**params) if route else request.path_info
    try:
        with usage.calling("gateway"):
            answer = _forward(legacy_client(), request, path)
    except LegacyUnavailable as exc:
        if exc.reason == "breaker-open":
            detail = "The legacy system is failing; calls are paused. Try again shortly."
            retry_after = str(max(1, round(exc.retry_after)))
            return problem_response(request, 503, detail, headers={"Retry-After": retry_after})
        if exc.reason == "timeout":
            return problem_response(request, 504, "The legacy system did not answer in time.")
        detail = "The legacy system is unreachable."
        return problem_response(request, 503, detail, headers={"Retry-After": "5"})
    response = HttpResponse(answer.body, status=answer.status)
    response["Content-Type"] = answer.headers.get("Content-Type", "application/json")
    return response


def _param_kind(route: CompiledRoute, name: str) -> str | None:
    """The legacy record kind a path parameter holds a number of.

    Said by the parameter's name (``{user_no}``, ``{space_id}``, ``{proposal}``), else by
    the collection segment before it in the legacy path (``/api/proposals/{id}/votes``:
    a proposal), else by the route's translator (``spaces.detail``: a space) — so a
    route without a translator, or whose id is not the translated resource's, still
    reaches the new side with the new side's id.
    """
    base = name.removesuffix("_no").removesuffix("_id")
    if base in KINDS:
        return base
    segments = route.legacy_target.split("/")
    if "{" + name + "}" in segments:
        index = segments.index("{" + name + "}")
        if index > 0 and segments[index - 1].removesuffix("s") in KINDS:
            return segments[index - 1].removesuffix("s")
    resource = route.translator.split(".")[0].removesuffix("s")
    return resource if resource in KINDS else None


def _new_params(route: CompiledRoute, params: dict[str, str]) -> dict[str, str]:
    """Legacy numbers in the path as the new side's ids, through the ACL's reversible ids."""
    translated = {}
    for name, value in params.items():
        kind = _param_kind(route, name)
        translated[name] = str(uuid_for(kind, int(value))) if kind and value.isdigit() else value
    return translated


def _public_links(value: Any, internal: str, public: str) -> Any:
    """``value`` with every URL on the domain's internal base URL moved to the public
    origin the caller used (pagination's ``next``/``previous``, links in documents)."""
    if isinstance(value, str):
        return public + value[len(internal) :] if value.startswith(internal + "/") else value
    if isinstance(value, list):
        return [_public_links(item, internal, public) for item in value]
    if isinstance(value, dict):
        return {key: _public_links(item, internal, public) for key, item in value.items()}
    return value


#: ``/api/v1/<domain>/...``: the domain whose process serves a new target in split mode.
_DOMAIN = re.compile(r"^/api/v1/(?P<domain>[a-z]+)/")

_split: PerProcess[LegacyClient] = PerProcess()


def _domain_client(domain: str, base_url: str) -> LegacyClient:
    """This process's HTTP client to one domain (split mode), rebuilt after a fork."""

    def build() -> LegacyClient:
        config = ClientConfig(
            base_url=base_url,
            connect_timeout=settings.LEGACY_CONNECT_TIMEOUT,
            read_timeout=settings.LEGACY_READ_TIMEOUT,
            retry_attempts=2,
            retry_budget_seconds=settings.LEGACY_READ_TIMEOUT,
        )
        return LegacyClient(
            config, breaker=CircuitBreaker(f"gateway-new-http:{domain}", config.breaker)
        )

    return _split.get(domain, build, still_valid=lambda client: client.config.base_url == base_url)


def _call_new_over_http(request: HttpRequest, path: str) -> NewAnswer:
    match = _DOMAIN.match(path)
    domain = match["domain"] if match else None
    base_url = settings.GATEWAY_NEW_BASE_URLS.get(domain)
    if not base_url:
        detail = (
            f"Split mode: no base URL for the {domain!r} domain in GATEWAY_NEW_BASE_URLS."
            if domain
            else f"The new target {path} names no domain (/api/v1/<domain>/...)."
        )
        logger.error("cannot call the new side of %s: %s", request.path, detail)
        return NewAnswer(502, problem(502, detail=detail))
    try:
        answer = _forward(_domain_client(domain, base_url), request, path)
    except LegacyUnavailable as exc:
        detail = f"The {domain} domain is unavailable ({exc.reason})."
        return NewAnswer(503, problem(503, detail=detail))
    try:
        body = answer.json()
    except ValueError:
        detail = "The new handler answered something other than JSON."
        return NewAnswer(502, problem(502, detail=detail))
    public = request.build_absolute_uri("/").rstrip("/")
    body = _public_links(body, base_url.rstrip("/"), public)
    return NewAnswer(answer.status, body, _carried(answer.headers))


def call_new(request: HttpRequest, route: CompiledRoute, params: dict) -> NewAnswer:
    """The domain endpoint's answer; raises if the handler does."""
    path = route.new_target.format(**_new_params(route, params))
    if settings.GATEWAY_NEW_BASE_URLS:
        return _call_new_over_http(request, path)
    original_path, original_match = request.path_info, getattr(request, "resolver_match", None)
    try:
        match = resolve(path)
    except Resolver404:
        return NewAnswer(502, problem(502, detail=f"No new handler at {path} in this process."))
    request.path_info = path
    request.resolver_match = match
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    finally:
        request.path_info, request.resolver_match = original_path, original_match
    body = json.loads(response.content) if response.content else None
    return NewAnswer(response.status_code, body, _carried(response.headers))


def legacy_shape(route: CompiledRoute, status: int, body: Any) -> Any:
    return to_legacy(route.translator, status, body) if route.translator else body
