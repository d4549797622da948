"""Metrics and logs as an operator sees them: ``/metrics`` in Prometheus text with
per-route series, worker processes serving the same on ``METRICS_PORT``, and JSON log
lines that carry the request id echoed to the client."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
import urllib.request
from uuid import uuid4

import pytest
from prometheus_client.parser import text_string_to_metric_families

from common.observability.logs import ContextFilter, PlatformJsonFormatter
from tests.processes import REPO, clean_environment, database_urls_for, free_port, scrape


def _samples(text: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


@pytest.mark.django_db(databases="__all__")
def test_metrics_count_requests_by_route_pattern(client, settings):
    client.get("/api/v1/marketplace/spaces?min_capacity=zero")  # a 400
    client.get("/ready")
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response.content.decode())
    requests = {
        (s.labels["route"], s.labels["status"]): s.value
        for s in samples
        if s.name == "http_requests_total"
    }
    assert requests[("api/v1/marketplace/spaces", "400")] >= 1
    durations = [s for s in samples if s.name == "http_request_duration_seconds_count"]
    assert any(s.labels["route"] == "ready" for s in durations)
    up = {s.labels["dependency"]: s.value for s in samples if s.name == "platform_dependency_up"}
    assert up["database:learning"] == 1.0


@pytest.mark.django_db(databases="__all__")
def test_every_response_carries_a_request_id(client):
    kept = client.get("/health", HTTP_X_REQUEST_ID="abc-123")
    assert kept["X-Request-ID"] == "abc-123"
    made = client.get("/health", HTTP_X_REQUEST_ID="not valid!\n")
    assert len(made["X-Request-ID"]) == 32


def test_json_log_lines_carry_trace_and_request_ids():
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    from common.observability.logs import request_id_var

    record = logging.LogRecord(
        "platform.test", logging.INFO, __file__, 1, "hello %s", ("you",), None
    )
    record.api_token = "s3cr3t"
    token = request_id_var.set("req-42")
    tracer = TracerProvider().get_tracer("test")
    try:
        with tracer.start_as_current_span("work") as span:
            ContextFilter(service="learning").filter(record)
            expected_trace = format(span.get_span_context().trace_id, "032x")
    finally:
        request_id_var.reset(token)
    from common.observability.logs import SecretsFilter

    SecretsFilter().filter(record)
    line = json.loads(PlatformJsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["level"] == "INFO" and line["logger"] == "platform.test"
    assert line["trace_id"] == expected_trace and len(line["span_id"]) == 16
    assert line["request_id"] == "req-42" and line["service"] == "learning"
    assert line["api_token"] == "[redacted]"
    assert trace.get_current_span().get_span_context().is_valid is False


def _record_in_context() -> logging.LogRecord:
    record = logging.LogRecord("platform.test", logging.INFO, __file__, 1, "in view", (), None)
    ContextFilter(service="learning").filter(record)
    return record


def test_log_lines_inside_a_request_carry_the_caller_once_authenticated():
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from common.auth.principal import Principal
    from common.observability.middleware import RequestContextMiddleware

    member = uuid4()
    seen: dict[str, object] = {}

    def view(request):
        seen["before"] = _record_in_context().user_id
        request.user = Principal(id=member, kind="member")  # as DRF does once a token verifies
        seen["after"] = _record_in_context().user_id
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/api/v1/learning/activities"))
    assert seen == {"before": None, "after": str(member)}
    assert _record_in_context().user_id is None  # the request is over

    def session_view(request):
        # A session user nobody has read yet: logging must not load it (a query).
        request.user = SimpleLazyObject(lambda: pytest.fail("logging loaded the user"))
        seen["lazy"] = _record_in_context().user_id
        return HttpResponse()

    RequestContextMiddleware(session_view)(RequestFactory().get("/admin/"))
    assert seen["lazy"] is None


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_consumer_serves_health_readiness_and_bus_metrics(settings, tmp_path):
    port = free_port()
    env = clean_environment(
        **database_urls_for(), REDIS_URL=settings.REDIS_URL, METRICS_PORT=str(port)
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "consume_events", "--group", "governance"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the worker server never answered"
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/ready", timeout=5) as response:  # noqa: S310
            ready = json.loads(response.read())
        assert ready["status"] == "ready"
        assert ready["checks"]["redis"]["status"] == "up"
        with urllib.request.urlopen(scrape(f"{base}/metrics"), timeout=5) as response:  # noqa: S310
            samples = _samples(response.read().decode())
        # The same readiness as the web processes: its checks are recorded as gauges.
        up = {
            s.labels["dependency"]: s.value for s in samples if s.name == "platform_dependency_up"
        }
        assert up["redis"] == 1.0
        lag = [s for s in samples if s.name == "eventbus_consumer_lag"]
        # One series per stream the group reads (identity's, reputation's, ...).
        assert ("governance", "events:identity") in {
            (s.labels["group"], s.labels["stream"]) for s in lag
        }
        assert {s.labels["group"] for s in lag} == {"governance"}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
