"""The Celery application: one per process, configured from Django settings.

A worker started with ``METRICS_PORT`` serves ``/health``, ``/ready`` and ``/metrics``
(queue depth included) like the bus workers; so does beat (the manifests probe both on
that port).
"""

import os

from celery import Celery
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _serve_worker_metrics(sender=None, **kwargs) -> None:
    from django.conf import settings

    if not settings.METRICS_PORT or not settings.REDIS_URL:
        return
    from prometheus_client import REGISTRY

    from common.observability.celery_metrics import CeleryQueueCollector
    from common.observability.worker_server import start_worker_server

    queues = sorted({q.name for q in app.amqp.queues.values()} | {app.conf.task_default_queue})
    REGISTRY.register(CeleryQueueCollector(settings.REDIS_URL, queues))
    start_worker_server(settings.METRICS_PORT)


@beat_init.connect
def _serve_beat_health(sender=None, **kwargs) -> None:
    from django.conf import settings

    if not settings.METRICS_PORT:
        return
    from common.observability.worker_server import start_worker_server

    start_worker_server(settings.METRICS_PORT)
