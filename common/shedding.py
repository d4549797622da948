"""Load shedding and request deadlines: a busy process says so at once, and work a
client can no longer receive is rolled back instead of committed.

**Shedding.** At most ``WEB_MAX_CONCURRENT_REQUESTS`` requests run application code
at once in a process; up to ``WEB_QUEUE_SIZE`` more wait, each at most
``WEB_QUEUE_WAIT_MS``. Anything beyond — a full queue, or a wait that ran out —
answers 503 problem+json at once with ``Retry-After`` (seconds, as HTTP has it; the
body's ``retry_after_ms`` says it in milliseconds), counted in
``http_requests_shed_total{service,reason}``, with the time spent queued in
``http_queue_wait_seconds``: the alert ``ProcessSaturated`` fires on the first. The decision is
made on queue depth and queueing latency, what the process itself can see at no cost.
``/health``, ``/ready`` and ``/metrics`` never wait behind application work: they
bypass the limiter, and the web server runs more threads than the limit (gunicorn
``gthread``, ``config/gunicorn.py``), so a probe always finds one.

**Deadline.** A request's database work must finish within
``REQUEST_DEADLINE_SECONDS`` (below the clients' and the load balancer's timeouts):
after it, the next query it runs raises ``DeadlineExceeded``, so the open transaction
rolls back, and the answer is 503. A client that gave up is never told "timed out"
while its write is committed behind its back.
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import Counter, Histogram

from common.databases import served_aliases

#: Paths answered without waiting behind application work.
BYPASS = ("/health", "/ready", "/metrics")

SHED = Counter(
    "http_requests_shed_total",
    "Requests answered 503 without being run: the process was saturated.",
    ["service", "reason"],
)
QUEUE_WAIT = Histogram(
    "http_queue_wait_seconds",
    "Time a request waited for a free slot before running.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
DEADLINES = Counter(
    "http_request_deadline_exceeded_total",
    "Requests whose work was rolled back because their deadline passed.",
)


class DeadlineExceeded(Exception):
    """The request's deadline passed: its work is abandoned (rolled back)."""


class Limiter:
    """``limit`` requests at a time, ``queue`` more waiting at most ``wait`` seconds."""

    def __init__(self, limit: int, queue: int, wait: float) -> None:
        self.limit, self.queue, self.wait = limit, queue, wait
        self.running = 0
        self.waiting = 0
        self._free = threading.Condition()

    def acquire(self) -> str | None:
        """None once admitted; otherwise why not (``queue_full``, ``queue_timeout``)."""
        started = time.monotonic()
        with self._free:
            if self.running < self.limit:
                self.running += 1
                return None
            if self.waiting >= self.queue:
                return "queue_full"
            self.waiting += 1
            try:
                deadline = started + self.wait
                while self.running >= self.limit:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return "queue_timeout"
                    self._free.wait(remaining)
                self.running += 1
            finally:
                self.waiting -= 1
        QUEUE_WAIT.observe(time.monotonic() - started)
        return None

    def release(self) -> None:
        with self._free:
            self.running -= 1
            self._free.notify()


def _shed(request: HttpRequest, reason: str) -> HttpResponse:
    from common.api.problems import PROBLEM_CONTENT_TYPE, problem

    SHED.labels(service=settings.SERVICE, reason=reason).inc()
    retry_ms = settings.WEB_RETRY_AFTER_MS
    body = problem(
        503,
        detail="The server is busy; retry after the time given in Retry-After.",
        type_slug="overloaded",
        instance=request.path,
        retry_after_ms=retry_ms,
    )
    response = JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    response["Retry-After"] = str(max(1, -(-retry_ms // 1000)))
    response._has_been_logged = True  # shedding is counted, not an error to log per request
    return response


class LoadSheddingMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.limiter = Limiter(
            settings.WEB_MAX_CONCURRENT_REQUESTS,
            settings.WEB_QUEUE_SIZE,
            settings.WEB_QUEUE_WAIT_MS / 1000,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in BYPASS or settings.WEB_MAX_CONCURRENT_REQUESTS <= 0:
            return self.get_response(request)
        refused = self.limiter.acquire()
        if refused:
            return _shed(request, refused)
        try:
            return self._with_deadline(request)
        finally:
            self.limiter.release()

    def _with_deadline(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.REQUEST_DEADLINE_SECONDS
        if seconds <= 0:
            return self.get_response(request)
        deadline = time.monotonic() + seconds

        def before_query(execute, sql, params, many, context):
            if time.monotonic() > deadline:
                raise DeadlineExceeded(f"the request's {seconds:g} s deadline passed")
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in served_aliases():
                stack.enter_context(connections[alias].execute_wrapper(before_query))
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DeadlineExceeded):
            return None
        from common.api.problems import problem_response

        DEADLINES.inc()
        return problem_response(
            request, 503, "The request took too long; nothing it started was kept. Retry.",
            headers={"Retry-After": "1"},
        )  # fmt: skip
