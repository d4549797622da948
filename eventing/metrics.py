"""Bus figures computed when Prometheus scrapes a consumer: lag and pending per group.

Asked of Redis at scrape time (``XINFO``), so they are true even while the consumer is
stuck, which is exactly when they matter.
"""

from __future__ import annotations

import logging

import redis
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from eventing.lag import group_lag

logger = logging.getLogger(__name__)

#: A worker's round failed on Redis or the database and is being retried (with backoff).
WORKER_ERRORS = Counter(
    "eventbus_worker_errors_total",
    "Rounds of a bus worker that failed and were retried.",
    ["worker", "kind"],
)
#: Redis lost entries the bus had: a group re-created (consumer) or a stream found
#: shorter than what was published (relay). Each one is an incident to look at.
STREAM_LOSSES = Counter(
    "eventbus_stream_losses_total",
    "Streams or consumer groups found lost in Redis and recovered.",
    ["stream", "seen_by"],
)


class BusLagCollector:
    def __init__(self, client: redis.Redis, streams_by_group: dict[str, list[str]]) -> None:
        self.client = client
        self.streams_by_group = streams_by_group

    def collect(self):
        lag = GaugeMetricFamily(
            "eventbus_consumer_lag",
            "Entries not yet delivered to the group.",
            labels=["group", "stream"],
        )
        pending = GaugeMetricFamily(
            "eventbus_pending_messages",
            "Entries delivered to the group but not acknowledged.",
            labels=["group", "stream"],
        )
        try:
            rows = group_lag(self.client, self.streams_by_group)
        except redis.RedisError as exc:
            logger.warning("bus lag unavailable: %s", exc)
            rows = []
        for row in rows:
            if row.lag is not None:
                lag.add_metric([row.group, row.stream], row.lag)
            pending.add_metric([row.group, row.stream], row.pending)
        yield lag
        yield pending
