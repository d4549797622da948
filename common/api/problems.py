"""RFC 9457 problem details for every error the platform returns.

DRF's exception handler and Django's 404/500 handlers both answer with
``application/problem+json``: ``type``, ``title``, ``status``, ``detail``,
``instance``, and for validation errors an ``errors`` list naming each field
(``pointer`` is a JSON Pointer into the request document or query, as RFC 9457 §3
shows). Problem types are relative URIs under ``/problems/`` described in
``docs/api.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.refusals import Refused

PROBLEM_CONTENT_TYPE = "application/problem+json"


class PreconditionFailed(exceptions.APIException):
    """412: a conditional request's precondition does not hold (RFC 9110 §15.5.13)."""

    status_code = 412
    default_detail = "A precondition (If-Match / If-None-Match) does not hold."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    """409: the request conflicts with the resource's current state (a duplicate, a stale write)."""

    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unavailable(exceptions.APIException):
    """503: not done now, nothing kept; ``wait`` seconds (``Retry-After``) before a retry."""

    status_code = 503
    default_detail = "The request could not be done now; nothing of it was kept. Retry."
    default_code = "unavailable"

    def __init__(self, detail: str, *, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait


#: Problem type slugs for error classes that carry more meaning than their status.
_TYPES = {
    exceptions.ValidationError: "validation-error",
    exceptions.ParseError: "malformed-request",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.AuthenticationFailed: "authentication-failed",
    exceptions.PermissionDenied: "permission-denied",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "rate-limited",
    Conflict: "conflict",
    PreconditionFailed: "precondition-failed",
    Unavailable: "unavailable",
}


def problem(
    status: int,
    *,
    detail: str | None = None,
    type_slug: str | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """A problem document; ``about:blank`` when the status says it all."""
    body: dict[str, Any] = {
        "type": f"/problems/{type_slug}" if type_slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def _field_errors(detail: Any, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Flatten DRF's nested error structure into one entry per failing field."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _field_errors(value, (*path, str(key)))]
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            return [e for item in detail for e in _field_errors(item, path)]
        return [e for i, item in enumerate(detail) for e in _field_errors(item, (*path, str(i)))]
    field = ".".join(path) if path else "non_field_errors"
    pointer = "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)
    return [{"field": field, "pointer": pointer, "detail": str(detail), "code": _code(detail)}]


def _code(detail: Any) -> str:
    return getattr(detail, "code", None) or "invalid"


def _refusal_as_api_exception(exc: Refused, context: dict[str, Any]) -> exceptions.APIException:
    """The one mapping of a service's refusal (``common.refusals``) to a DRF error."""
    message = str(exc)
    if exc.kind == "invalid":
        detail: Any = [message]
        for part in reversed(exc.path or (exc.field or "non_field_errors",)):
            detail = {str(part): detail}
        return exceptions.ValidationError(detail)
    if exc.kind == "unauthenticated":
        failed = exceptions.AuthenticationFailed(message)
        # As DRF does for one raised in the view: 401 with the challenge, or 403.
        view, request = context.get("view"), context.get("request")
        header = view.get_authenticate_header(request) if view and request else None
        if header:
            failed.auth_header = header
        else:
            failed.status_code = 403
        return failed
    if exc.kind == "forbidden":
        return exceptions.PermissionDenied(message)
    if exc.kind == "not_found":
        return exceptions.NotFound(message)
    if exc.kind == "precondition_failed":
        return PreconditionFailed(message)
    if exc.kind == "rate_limited":
        return exceptions.Throttled(wait=exc.retry_after, detail=message)
    if exc.kind == "unavailable":
        return Unavailable(message, wait=exc.retry_after)
    return Conflict(message)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: every API error as problem+json."""
    if isinstance(exc, Refused):
        exc = _refusal_as_api_exception(exc, context)
    response = exception_handler(exc, context)
    if response is None:
        return None  # Unexpected: Django's handler500 answers, also as problem+json.
    request = context.get("request")
    instance = request.path if request is not None else None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    slug = next((s for cls, s in _TYPES.items() if isinstance(exc, cls)), None)
    extensions: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = "The request has invalid fields; see errors."
        extensions["errors"] = _field_errors(exc.detail)
    else:
        detail = str(exc.detail) if isinstance(exc, exceptions.APIException) else None
    response.data = problem(
        response.status_code, detail=detail, type_slug=slug, instance=instance, **extensions
    )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(
    request: HttpRequest, status: int, detail: str, *, headers: Mapping[str, str] | None = None
) -> JsonResponse:
    """A problem+json response outside DRF (Django's error handlers, health, the
    gateway's middleware), with ``headers`` such as ``Retry-After``."""
    return JsonResponse(
        problem(status, detail=detail, instance=request.path),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django ``handler404``."""
    return problem_response(request, 404, "No resource at this address.")


def server_error(request: HttpRequest) -> JsonResponse:
    """Django ``handler500``: the details are in the logs, never in the response. A
    database outage (raised outside a view) answers 503 with ``Retry-After`` instead."""
    from common.outages import is_database_outage, outage_response

    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return outage_response(request, exc)
    return problem_response(request, 500, "An unexpected error occurred; it has been logged.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django ``handler400`` (bad Host header, suspicious operations)."""
    return problem_response(request, 400, "The request could not be understood.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django ``handler403``."""
    return problem_response(request, 403, "You do not have permission to do this.")
