"""The compose smoke run's own tools, checked against real clients: the local sink
(Django's SMTP backend, an OTLP/HTTP span exporter, a webhook POST) and the smoke
journey's RFC 9162 inclusion-proof check, on a tree of 7 leaves built here (every index,
and a tampered path). The journey itself runs against the real register in the compose
smoke run."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.processes import REPO, free_port


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


journey = _load("scripts/smoke_journey.py", "smoke_journey")


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


@pytest.fixture
def sink():
    smtp, http, otlp = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "scripts/image/standins/sink.py"), "--host", "127.0.0.1",
         "--smtp-port", str(smtp), "--http-port", str(http), "--otlp-port", str(otlp)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(f"{base}/health")
            break
        except OSError:
            assert time.monotonic() < deadline, "the sink never answered"
            time.sleep(0.1)
    yield {"smtp": smtp, "http": base, "otlp": f"http://127.0.0.1:{otlp}"}
    process.terminate()
    process.wait(10)


def test_the_sink_receives_what_djangos_smtp_backend_sends(sink, settings):
    from django.core.mail import get_connection, send_mail

    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink["smtp"]
    )
    send_mail("Confirm", "Confirm: http://x/verify-email?token=abc:def", "a@example.org",
              ["member@example.org"], connection=connection)  # fmt: skip
    messages = _get(f"{sink['http']}/messages?to=member@example.org")
    assert [m["subject"] for m in messages] == ["Confirm"]
    assert "token=abc:def" in messages[0]["body"]
    assert _get(f"{sink['http']}/messages?to=other@example.org") == []


def test_the_sink_records_webhooks_and_otlp_spans(sink):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{sink['http']}/slack", data=b'{"text": "EventBusDeadLetters"}', method="POST"
    )
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - loopback
    assert _get(f"{sink['http']}/webhooks?path=/slack")[0]["json"]["text"] == "EventBusDeadLetters"

    provider = TracerProvider(resource=Resource.create({"service.name": "platform-test"}))
    exporter = OTLPSpanExporter(endpoint=f"{sink['otlp']}/v1/traces")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("t").start_as_current_span("request") as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()
    spans = _get(f"{sink['http']}/spans?trace_id={trace_id}")
    assert [(s["name"], s["service"]) for s in spans] == [("request", "platform-test")]


def test_the_journeys_proof_check_accepts_a_valid_audit_path_and_no_other():
    leaves = [f'{{"n": {i}}}'.encode() for i in range(7)]
    hashes = [journey._leaf_hash(leaf) for leaf in leaves]

    def root(nodes):
        if len(nodes) == 1:
            return nodes[0]
        k = 1
        while k * 2 < len(nodes):
            k *= 2
        return hashlib.sha256(b"\x01" + root(nodes[:k]) + root(nodes[k:])).digest()

    def path(index, nodes):
        if len(nodes) == 1:
            return []
        k = 1
        while k * 2 < len(nodes):
            k *= 2
        if index < k:
            return [*path(index, nodes[:k]), root(nodes[k:])]
        return [*path(index - k, nodes[k:]), root(nodes[:k])]

    expected = root(hashes)
    for index in range(len(hashes)):
        proof = path(index, hashes)
        assert journey._root_from_audit_path(hashes[index], index, len(hashes), proof) == expected
        if proof:
            wrong = [bytes(32), *proof[1:]]
            assert (
                journey._root_from_audit_path(hashes[index], index, len(hashes), wrong) != expected
            )


def test_secrets_that_begin_with_a_dash_reach_the_journey(tmp_path, monkeypatch):
    """A generated token begins with '-' once in 64 draws (URL-safe base64): given as
    ``--metrics-token TOKEN`` argparse takes it for an option, and a CI run failed so.
    The callers hand the secrets by environment, and ``--targets`` as ``--option=value``."""
    token, credentials = "-k3y" + "x" * 39, "lrs_0123:--secret"
    monkeypatch.setenv("SMOKE_METRICS_TOKEN", token)
    monkeypatch.setenv("SMOKE_LRS_CREDENTIALS", credentials)
    args = journey.parse_args(["--base-url", "http://platform:8000"])
    assert (args.metrics_token, args.lrs_credentials) == (token, credentials)

    monkeypatch.delenv("SMOKE_METRICS_TOKEN")
    monkeypatch.delenv("SMOKE_LRS_CREDENTIALS")
    targets = tmp_path / "targets.json"
    targets.write_text(
        json.dumps(
            {"base_url": "http://127.0.0.1:8000", "metrics_token": token,
             "lrs_credentials": credentials, "mail_url": "http://127.0.0.1:8025"}
        )
    )  # fmt: skip
    args = journey.parse_args([f"--targets={targets}", "--timeout", "5"])
    assert (args.metrics_token, args.lrs_credentials) == (token, credentials)
    assert (args.base_url, args.timeout) == ("http://127.0.0.1:8000", 5)
