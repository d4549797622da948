"""Calling a domain's published endpoint in process, as the new implementation of a port.

The adapter may not import a domain (``.importlinter``), so a port's new implementation
asks the domain's own endpoint under ``/api/v1/<domain>/...``: the path is resolved by
Django's URL resolver and the view is called with a request built by ``RequestFactory``
— the domain authenticates, authorises, validates and answers exactly as it does over
HTTP (problem+json on refusal). The caller's ``Authorization`` is passed through
unchanged, as the gateway does (``gateway.sides``), so the domain decides for the real
caller; the port never mints or widens a credential.

Written by hand because it is a few lines over Django's own resolver and test request
factory; no library does "call this URL's view in process".
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.test import RequestFactory
from django.urls import Resolver404, resolve

_factory = RequestFactory()


def _host() -> str:
    """A host name this process accepts (``ALLOWED_HOSTS``): a paginated answer builds
    absolute ``next`` links from the request's host, and Django's test host would be
    refused outside tests."""
    for allowed in settings.ALLOWED_HOSTS:
        name = "localhost" if allowed == "*" else allowed.lstrip(".")
        if name:
            return name
    return "localhost"  # none listed: Django allows localhost when DEBUG is on


def call(
    method: str, path: str, *, body: Any = None, authorization: str | None = None
) -> tuple[int, Any]:
    """``(status, parsed JSON body or None)`` of ``method path`` answered in process.

    ``path`` may carry a query string; ``body`` is sent as JSON. A path no view serves
    answers ``(404, None)``.
    """
    headers = {"HTTP_HOST": _host()}
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization
    if body is None:
        request = _factory.generic(method, path, **headers)
    else:
        request = _factory.generic(
            method, path, json.dumps(body), content_type="application/json", **headers
        )
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return 404, None
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response.status_code, json.loads(response.content) if response.content else None


def get(path: str, *, authorization: str | None = None) -> tuple[int, Any]:
    return call("GET", path, authorization=authorization)


def post(path: str, body: Any, *, authorization: str | None = None) -> tuple[int, Any]:
    return call("POST", path, body=body, authorization=authorization)


def pages(path: str, *, authorization: str | None = None) -> tuple[int, list]:
    """Every ``results`` item of a paginated list (``?page=``, 100 a page), in order;
    the status is 200, or the first other status met (with no items: never half a list)."""
    items, page = [], 1
    separator = "&" if "?" in path else "?"
    while True:
        status, body = get(
            f"{path}{separator}page={page}&page_size=100", authorization=authorization
        )
        if status != 200:
            return status, []
        items += body["results"]
        if not body.get("next"):
            return 200, items
        page += 1
