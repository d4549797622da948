"""Background work: a real Celery worker on Redis (with its queue-depth metrics), and the
embedded run's in-process bus.

With ``REDIS_URL`` set, tasks go through the broker to a worker process; without it
(``make run``), tasks run eagerly and the outbox is delivered in process after commit.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from eventing.models import OutboxMessage
from eventing.tasks import prune_outbox
from tests.processes import (
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    run_django,
    scrape,
)


def _outbox_row(alias: str, published_days_ago: int | None) -> OutboxMessage:
    published = (
        None if published_days_ago is None else timezone.now() - timedelta(days=published_days_ago)
    )
    return OutboxMessage.objects.using(alias).create(
        event_id=uuid.uuid4(),
        event_type="x.y",
        event_version=1,
        envelope={},
        published_at=published,
    )


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_real_celery_worker_prunes_old_published_outbox_rows(settings):
    old = _outbox_row("learning", published_days_ago=30)
    recent = _outbox_row("learning", published_days_ago=1)
    unpublished = _outbox_row("marketplace", published_days_ago=None)
    metrics_port = free_port()
    env = clean_environment(
        **database_urls_for(), REDIS_URL=settings.REDIS_URL, METRICS_PORT=str(metrics_port)
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--queues", f"test-{uuid.uuid4().hex}", "-l", "warning"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        queue = worker.args[worker.args.index("--queues") + 1]
        metrics = _scrape(f"http://127.0.0.1:{metrics_port}/metrics", worker)
        assert f'celery_queue_length{{queue="{queue}"}} 0.0' in metrics
        prune_outbox.apply_async(kwargs={"older_than_days": 7}, queue=queue)
        deadline = time.monotonic() + 60
        while OutboxMessage.objects.using("learning").filter(pk=old.pk).exists():
            assert time.monotonic() < deadline, "the worker never ran the task"
            assert worker.poll() is None, worker.stderr.read()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)  # warm shutdown
        assert worker.wait(30) == 0
    assert OutboxMessage.objects.using("learning").filter(pk=recent.pk).exists()
    assert OutboxMessage.objects.using("marketplace").filter(pk=unpublished.pk).exists()


def _scrape(url: str, worker: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(scrape(url), timeout=2) as response:  # noqa: S310
                return response.read().decode()
        except OSError:
            assert worker.poll() is None, worker.stderr.read()
            assert time.monotonic() < deadline, "the worker never served its metrics"
            time.sleep(0.2)


def test_the_embedded_run_delivers_events_in_process_and_runs_tasks_eagerly(tmp_path):
    env = clean_environment(DATA_DIR=str(tmp_path), DEBUG="true")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate_all", "-v0"], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    result = run_django(
        "from django.conf import settings\n"
        "from domains.identity.services import user_register\n"
        "from domains.governance.models import Member\n"
        "from eventing.models import OutboxMessage\n"
        "from eventing.tasks import prune_outbox\n"
        "user = user_register(email='solo@example.org', password=None, display_name='Solo')\n"
        "member = Member.objects.get(member_id=user.id)\n"
        "row = OutboxMessage.objects.using('identity').get()\n"
        "assert row.published_at is not None\n"
        "print('eager', settings.CELERY_TASK_ALWAYS_EAGER, prune_outbox.delay(0).get())\n"
        "print('member', member.display_name)\n",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert "member Solo" in result.stdout
    assert "eager True 1" in result.stdout
