"""Passport's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

CREDENTIALS_ISSUED = Counter("passport_credentials_issued_total", "Credentials issued.")
