"""Marketplace's business metrics (names in docs/observability/metrics.md)."""

from prometheus_client import Counter

BOOKINGS = Counter("marketplace_bookings_total", "Bookings by what happened to them.", ["outcome"])
