"""Response headers at the edge: Content-Security-Policy, and Deprecation/Sunset for
endpoints on their way out.

Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` already send HSTS,
``X-Content-Type-Options``, ``Referrer-Policy`` and ``X-Frame-Options``. JSON answers get
the strictest policy (``CSP_API``: nothing may load, nothing may frame them); HTML pages
(admin, Swagger UI) get ``CSP_PAGES``.

Under ``DOWNLOAD_ONLY_PATH_PREFIXES`` (the LRS at ``/xapi/``) responses carry content
that callers stored — a State document may be ``text/html`` holding ``<script>`` — so
every answer there, whatever its type, is made unrenderable by a browser: a
``sandbox`` CSP that allows nothing (``CSP_DOWNLOADS``), ``Content-Disposition:
attachment`` and ``X-Content-Type-Options: nosniff``. A cross-site *navigation* there
(a form posted from another site, e.g. the xAPI alternate syntax ``POST
...?method=GET`` with a token in a form field) is refused before any view runs: no
LRS client navigates; browsers' fetches and tools send no ``Sec-Fetch-Mode: navigate``.

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

from common.api.problems import problem_response


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


def _cross_site_navigation(request: HttpRequest) -> bool:
    headers = request.headers
    return headers.get("Sec-Fetch-Mode") == "navigate" and headers.get("Sec-Fetch-Site") in (
        "cross-site",
        "same-site",
    )


def _download_only(response: HttpResponse) -> None:
    """Whatever a view set: nothing here is rendered, sniffed or framed."""
    response.headers["Content-Security-Policy"] = settings.CSP_DOWNLOADS
    response.headers["Content-Disposition"] = "attachment"
    response.headers["X-Content-Type-Options"] = "nosniff"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        download_only = request.path.startswith(tuple(settings.DOWNLOAD_ONLY_PATH_PREFIXES))
        if download_only and _cross_site_navigation(request):
            response = problem_response(
                request, 403, "Cross-site navigations to this path are refused."
            )
        else:
            response = self.get_response(request)
        if download_only:
            _download_only(response)
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
