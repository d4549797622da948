"""Celery queue depth for Prometheus, read from the broker when scraped.

Celery's Redis transport keeps each queue as a Redis list named after it, so the
depth is one ``LLEN`` per queue. A worker started with ``METRICS_PORT`` serves it with
its health endpoints (``config.celery`` wires this to the ``worker_ready`` signal).
"""

from __future__ import annotations

import logging

import redis
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


class CeleryQueueCollector:
    def __init__(self, broker_url: str, queues: list[str]) -> None:
        self.client = redis.Redis.from_url(broker_url, socket_timeout=2, socket_connect_timeout=2)
        self.queues = queues

    def collect(self):
        depth = GaugeMetricFamily(
            "celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        try:
            for queue in self.queues:
                depth.add_metric([queue], self.client.llen(queue))
        except redis.RedisError as exc:
            logger.warning("Celery queue depth unavailable: %s", exc)
        yield depth
