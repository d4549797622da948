"""A trace follows a real request through the outbox, the bus and the consumer.

Three processes export spans over OTLP/HTTP to a receiver in the test: the web process
answering ``POST /api/v1/identity/auth/register``, the relay, and the governance
consumer. The consumer's span must be a child of the span that published the event,
itself inside the request's trace.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.observability.otlp_receiver import OTLPReceiver
from tests.processes import REPO, clean_environment, database_urls_for, run_django

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


REQUEST = """
from django.test import Client
from common.observability.tracing import shutdown_tracing
response = Client().post(
    "/api/v1/identity/auth/register",
    {"email": "traced@example.org", "password": "a-long-traced-passphrase", "display_name": "T"},
    content_type="application/json",
)
print("status", response.status_code)
shutdown_tracing()
"""


@pytest.fixture
def receiver():
    receiver = OTLPReceiver()
    yield receiver
    receiver.close()


def _env(bus, receiver, service: str) -> dict[str, str]:
    return clean_environment(
        **database_urls_for(),
        REDIS_URL=bus.url,
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_SERVICE_NAME=service,
        OTEL_BSP_SCHEDULE_DELAY="50",
    )


def test_the_consumer_span_is_a_child_of_the_request_that_published(bus, receiver):
    web = run_django(REQUEST, _env(bus, receiver, "platform-web"))
    assert web.returncode == 0, web.stderr
    assert "status 201" in web.stdout, web.stdout + web.stderr
    for command in (
        ["relay_events", "--once"],
        ["consume_events", "--group", "governance", "--until-idle"],
    ):
        service = "platform-relay" if command[0] == "relay_events" else "platform-governance"
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=REPO, env=_env(bus, receiver, service),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    deadline = time.monotonic() + 10
    while not any(s.name.startswith("process identity.member_registered") for s in receiver.spans):
        assert time.monotonic() < deadline, [s.name for s in receiver.spans]
        time.sleep(0.1)
    by_id = {s.span_id: s for s in receiver.spans}
    consumer = next(s for s in receiver.spans if s.name == "process identity.member_registered")
    publish = by_id[consumer.parent_span_id]
    assert publish.name == "publish identity.member_registered"
    assert (publish.service, consumer.service) == ("platform-web", "platform-governance")

    # Walk up from the publish span to the request's server span, in one trace.
    chain, span = [], publish
    while span.parent_span_id:
        span = by_id[span.parent_span_id]
        chain.append(span)
    root = chain[-1] if chain else publish
    assert root.kind == 2, f"the root should be the HTTP server span, got {root}"  # SERVER
    assert "register" in root.name
    assert {consumer.trace_id, publish.trace_id} == {root.trace_id}
    # The request's database work is in the same trace too (psycopg instrumentation).
    assert any(
        s.trace_id == root.trace_id and s.service == "platform-web" and s.kind == 3
        for s in receiver.spans
    )  # fmt: skip  CLIENT spans: queries
