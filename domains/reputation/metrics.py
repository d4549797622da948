"""Reputation's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

RECOMPUTATIONS = Counter(
    "reputation_recomputations_total", "Times a member's reputation was recomputed."
)
