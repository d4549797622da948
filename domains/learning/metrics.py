"""Learning's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

STATEMENTS_STORED = Counter("learning_statements_stored_total", "xAPI statements stored.")
