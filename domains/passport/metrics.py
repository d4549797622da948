"""Passport's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

CREDENTIALS_ISSUED = Counter("passport_credentials_issued_total", "Credentials issued.")
REAGGREGATIONS = Counter(
    "passport_reaggregations_total",
    "Members' passports re-aggregated (kind event or catch_up) or deferred while degraded.",
    ["kind"],
)
