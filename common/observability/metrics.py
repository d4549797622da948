"""Prometheus metrics of the platform: the names in docs/observability/metrics.md.

prometheus-client's default registry; under a pre-forking server set
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` aggregates every worker's figures.
Metrics that belong to a capability are declared with it (the gateway, rate limiting,
circuit breakers); these are the ones every process shares.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests answered.", ["service", "route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["service", "route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DEPENDENCY_UP = Gauge(
    "platform_dependency_up",
    "1 when a dependency answered the last readiness check.",
    ["service", "dependency", "critical"],
    multiprocess_mode="livemax",
)
EVENTS_PUBLISHED = Counter(
    "eventbus_events_published_total", "Events the relay appended to a stream.", ["producer"]
)
EVENTS_HANDLED = Counter(
    "eventbus_events_handled_total", "Entries a consumer group finished.", ["group", "outcome"]
)
RATELIMIT_REJECTIONS = Counter(
    "ratelimit_rejections_total", "Requests refused with 429.", ["service", "endpoint"]
)
DEAD_LETTERS = Counter(
    "eventbus_dead_letters_total", "Entries moved to a dead-letter stream.", ["group", "stream"]
)


def render() -> tuple[bytes, str]:
    """The exposition text of this process (or of every worker in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
