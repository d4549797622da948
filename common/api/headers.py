"""Response headers at the edge: Content-Security-Policy, and Deprecation/Sunset for
endpoints on their way out.

Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` already send HSTS,
``X-Content-Type-Options``, ``Referrer-Policy`` and ``X-Frame-Options``. JSON answers get
the strictest policy (``CSP_API``: nothing may load, nothing may frame them); HTML pages
(admin, Swagger UI) get ``CSP_PAGES``.

A view marked with ``@deprecated(...)`` answers with ``Deprecation: @<unix time>``
(RFC 9745), ``Sunset: <HTTP date>`` (RFC 8594) and a ``Link`` to its successor or notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date


@dataclass(frozen=True)
class Deprecation:
    since: datetime
    sunset: datetime | None = None
    link: str | None = None


def deprecated(*, since: datetime, sunset: datetime | None = None, link: str | None = None):
    """Class decorator for an API view that is deprecated since ``since``."""

    def mark(view_class):
        view_class.deprecation = Deprecation(since=since, sunset=sunset, link=link)
        return view_class

    return mark


def deprecation_headers(deprecation: Deprecation) -> dict[str, str]:
    headers = {"Deprecation": f"@{int(deprecation.since.timestamp())}"}
    if deprecation.sunset is not None:
        headers["Sunset"] = http_date(deprecation.sunset.timestamp())
    if deprecation.link:
        headers["Link"] = f'<{deprecation.link}>; rel="deprecation"'
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        policy = settings.CSP_PAGES if is_html else settings.CSP_API
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        match = getattr(request, "resolver_match", None)
        view_class = getattr(getattr(match, "func", None), "view_class", None)
        deprecation = getattr(view_class, "deprecation", None)
        if isinstance(deprecation, Deprecation):
            for name, value in deprecation_headers(deprecation).items():
                response.headers.setdefault(name, value)
        return response
