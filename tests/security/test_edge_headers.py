"""Edge protection on every response: security headers, CSP, CORS from configuration,
and Deprecation/Sunset on deprecated endpoints."""

from datetime import UTC, datetime

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from common.api.headers import SecurityHeadersMiddleware, deprecated

pytestmark = pytest.mark.django_db(databases="__all__")


def test_api_answers_carry_the_security_headers(client):
    response = client.get("/api/v1/marketplace/spaces")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/health", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=3600")


def test_html_pages_get_a_policy_that_lets_them_load_their_own_assets(client):
    response = client.get("/api/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_cors_allows_only_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    allowed = client.options(
        "/api/v1/marketplace/spaces",
        HTTP_ORIGIN="https://app.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    other = client.get("/api/v1/marketplace/spaces", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_a_deprecated_endpoint_announces_deprecation_and_sunset():
    @deprecated(
        since=datetime(2026, 1, 1, tzinfo=UTC),
        sunset=datetime(2026, 12, 31, tzinfo=UTC),
        link="https://docs.example.org/migrate",
    )
    class OldView:
        pass

    def view(request):
        return JsonResponse({})

    view.view_class = OldView
    request = RequestFactory().get("/api/v1/old")
    request.resolver_match = ResolverMatch(view, (), {})
    response = SecurityHeadersMiddleware(lambda r: view(r))(request)
    assert response["Deprecation"] == "@1767225600"
    assert response["Sunset"] == "Thu, 31 Dec 2026 00:00:00 GMT"
    assert response["Link"] == '<https://docs.example.org/migrate>; rel="deprecation"'
