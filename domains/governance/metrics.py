"""Governance's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

VOTES_CAST = Counter("governance_votes_cast_total", "Votes cast or changed.")
