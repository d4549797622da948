"""Identity's Prometheus figures (docs/observability/metrics.md)."""

from prometheus_client import Gauge

#: When the key that signs tokens now was created (set by the hourly rotation task).
SIGNING_KEY_CREATED = Gauge(
    "identity_signing_key_created_timestamp_seconds",
    "Creation time of the key that signs tokens now, as last checked by the rotation task.",
    multiprocess_mode="max",
)
