"""Load shedding under gunicorn, and the request deadline.

A worker allowed one request at a time with a queue of one: of six slow requests at
once (a gateway call to a legacy service made slow), the excess is refused at once
with 503 problem+json and Retry-After, while ``/health`` and ``/ready`` keep answering
in well under a second. A request whose deadline passes has its work rolled back.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.test import RequestFactory, override_settings

from common.shedding import SHED, DeadlineExceeded, LoadSheddingMiddleware
from domains.governance.models import Member
from tests.processes import REPO, clean_environment, database_urls_for, free_port, wait_until

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

LEGACY_DELAY_MS = 3000
JOINED = datetime(2026, 1, 1, tzinfo=UTC)


def _get(url: str, timeout: float = 30) -> tuple[int, dict, bytes, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local
            body = response.read()
            return response.status, dict(response.headers), body, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), time.monotonic() - started


def test_the_excess_is_refused_at_once_and_probes_never_wait(gateway_env, tmp_path):
    legacy = gateway_env
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_environment(
        **database_urls_for(), SERVICE="all", ALLOWED_HOSTS="127.0.0.1",
        RATELIMIT_ENABLE="false", LEGACY_BASE_URL=legacy.base_url, LEGACY_READ_TIMEOUT="10",
        SHUTDOWN_DRAIN_SECONDS="0", WEB_CONCURRENCY="1", WEB_THREADS="6",
        WEB_MAX_CONCURRENT_REQUESTS="1", WEB_QUEUE_SIZE="1", WEB_QUEUE_WAIT_MS="200",
    )  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "-c", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until(lambda: _get(f"{base}/ready")[0] == 200, 60, "gunicorn to be ready")
        legacy.control(delay_ms=LEGACY_DELAY_MS, reset_count=True)
        answers: list = []

        def call() -> None:
            answers.append(_get(f"{base}/api/spaces"))

        callers = [threading.Thread(target=call) for _ in range(6)]
        for caller in callers:
            caller.start()
        wait_until(lambda: legacy.control()["requests"] >= 1, 10, "a call to reach legacy")
        # Application work fills the worker; the probes are answered regardless.
        for probe in ("/health", "/ready"):
            status, _, _, seconds = _get(f"{base}{probe}")
            assert status == 200 and seconds < 1.0, (probe, status, seconds)
        for caller in callers:
            caller.join(60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()
    statuses = sorted(status for status, *_ in answers)
    assert statuses.count(200) >= 1 and statuses.count(503) >= 3, statuses
    for status, headers, body, seconds in answers:
        if status == 503:
            assert headers["Content-Type"] == "application/problem+json"
            assert int(headers["Retry-After"]) >= 1
            assert json.loads(body)["retry_after_ms"] > 0
            assert seconds < LEGACY_DELAY_MS / 1000  # refused at once, not after waiting
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


@override_settings(REQUEST_DEADLINE_SECONDS=0.2, WEB_MAX_CONCURRENT_REQUESTS=2)
def test_work_past_its_deadline_is_rolled_back_not_committed():
    first, second = uuid.uuid4(), uuid.uuid4()

    def slow_write(request):
        with transaction.atomic(using="governance"):
            Member.objects.create(member_id=first, display_name="first", joined_at=JOINED)
            time.sleep(0.4)  # the client's time runs out here
            Member.objects.create(member_id=second, display_name="second",
                                  joined_at=JOINED)  # fmt: skip
        raise AssertionError("the write after the deadline ran")

    middleware = LoadSheddingMiddleware(slow_write)
    request = RequestFactory().post("/api/v1/anything")
    with pytest.raises(DeadlineExceeded) as raised:
        middleware(request)
    assert not Member.objects.filter(member_id__in=[first, second]).exists()
    response = middleware.process_exception(request, raised.value)
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert middleware.limiter.running == 0  # the slot was given back


@override_settings(WEB_MAX_CONCURRENT_REQUESTS=1, WEB_QUEUE_SIZE=0)
def test_a_refusal_is_counted_for_the_alert():
    release = threading.Event()

    def hold(request):
        release.wait(10)
        return None

    middleware = LoadSheddingMiddleware(hold)
    holder = threading.Thread(target=middleware, args=(RequestFactory().get("/api/v1/x"),))
    holder.start()
    wait_until(lambda: middleware.limiter.running == 1, 10, "the first request to run")
    shed = SHED.labels(service=settings.SERVICE, reason="queue_full")
    before = shed._value.get()
    refused = middleware(RequestFactory().get("/api/v1/y"))
    assert refused.status_code == 503
    assert shed._value.get() == before + 1
    assert middleware(RequestFactory().get("/health")) is None  # probes bypass the limit
    release.set()
    holder.join(10)
