"""The gateway's Prometheus metrics (names in docs/observability/metrics.md).

``route`` is the route key (``GET /api/spaces``) or ``unknown`` for paths the table does
not know; the alert rules in deploy/observability read these labels.
"""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "gateway_requests_total",
    "Requests through the strangler gateway.",
    ["route", "target", "outcome"],
)
FALLBACKS = Counter(
    "gateway_legacy_fallback_total",
    "Requests for new code served by legacy instead.",
    ["route", "reason"],
)
SHADOW_COMPARISONS = Counter(
    "gateway_shadow_comparisons_total", "Shadowed reads compared with legacy.", ["route"]
)
SHADOW_MISMATCHES = Counter(
    "gateway_shadow_mismatches_total",
    "Shadowed responses that differed from legacy.",
    ["route"],
)
DURATION = Histogram(
    "gateway_request_duration_seconds",
    "Time the gateway took to answer, by route and target.",
    ["route", "target"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
LOADSHED = Counter(
    "loadshed_rejections_total", "503 answers from load shedding.", ["service", "route"]
)


def outcome(status: int) -> str:
    if status >= 500:
        return "error"
    return "client_error" if status >= 400 else "ok"
