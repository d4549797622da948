"""Business metrics move with the business and show up in ``/metrics`` under the names
the dashboards read (docs/observability/metrics.md). Each domain's own tests check its
counter where the action happens (bookings, votes, credentials, recomputations); here:
the demo's statements, every name in the exposition, and a rate-limited request."""

import io

import pytest
from django.core.management import call_command
from prometheus_client import REGISTRY

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

BUSINESS = [
    ("learning_statements_stored_total", {}),
    ("passport_credentials_issued_total", {}),
    ("marketplace_bookings_total", {"outcome": "confirmed"}),
    ("governance_votes_cast_total", {}),
    ("reputation_recomputations_total", {}),
]


def _value(name: str, labels: dict) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_demo_stores_statements_and_every_business_metric_is_exposed(client, settings):
    before = _value("learning_statements_stored_total", {})
    call_command("load_demo", stdout=io.StringIO())
    assert _value("learning_statements_stored_total", {}) > before
    scraper = f"Bearer {settings.METRICS_TOKEN}"
    exposition = client.get("/metrics", HTTP_AUTHORIZATION=scraper).content.decode()
    for name, _ in BUSINESS:
        assert name in exposition


def test_a_rate_limited_request_is_counted(api_client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_ROUTE_RATES = {"marketplace:space-list": "2/m"}
    labels = {"service": settings.SERVICE, "endpoint": "marketplace:space-list"}
    before = _value("ratelimit_rejections_total", labels)
    statuses = [api_client.get("/api/v1/marketplace/spaces").status_code for _ in range(4)]
    assert 429 in statuses
    assert _value("ratelimit_rejections_total", labels) - before == statuses.count(429)
