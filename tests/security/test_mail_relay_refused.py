"""An SMTP relay that refuses the connection must not cost a member the account (found
running the platform as deployed: registration answered 500). The member is
registered (201), the verification mail waits in Celery's queue, and once the relay
answers the queued task delivers a link that verifies the address."""

import base64
import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest
import redis
from celery.exceptions import Retry
from django.conf import settings
from django.test import Client

from domains.identity.models import User
from domains.identity.tasks import send_account_mail
from tests.processes import REPO, free_port

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

SINK = REPO / "scripts" / "image" / "standins" / "sink.py"
API = "/api/v1/identity"


@pytest.fixture
def refusing_relay(settings):
    """SMTP settings pointing at a port where nothing listens (connection refused)."""
    settings.RATELIMIT_ENABLE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    return settings.EMAIL_PORT


def _queued(member_id: str) -> list[tuple[bytes, dict]]:
    """Celery messages (raw, headers) in the broker's default queue naming the member."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        found = []
        for raw in client.lrange("celery", 0, -1):
            headers = json.loads(raw)["headers"]
            if headers.get("task") == "identity.send_account_mail" and member_id in str(
                headers.get("argsrepr")
            ):
                found.append((raw, headers))
        return found
    finally:
        client.close()


def _dequeue(raw: bytes) -> list:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.lrem("celery", 1, raw)
    finally:
        client.close()
    return json.loads(base64.b64decode(json.loads(raw)["body"]))[0]


def _sink(smtp_port: int, http_port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(SINK), "--host", "127.0.0.1", "--smtp-port", str(smtp_port),
         "--http-port", str(http_port)],
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http_port}/health", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the SMTP sink did not start")


def test_a_refused_relay_registers_the_member_and_mails_the_link_once_it_answers(
    refusing_relay,
):
    client = Client()
    registered = client.post(
        f"{API}/auth/register",
        {"email": "relay-down@example.org", "password": "a-long-passphrase-42",
         "display_name": "Relay Down"},
        content_type="application/json",
    )  # fmt: skip
    assert registered.status_code == 201, registered.content
    member = User.objects.get(email="relay-down@example.org")
    assert member.email_verified_at is None

    ((raw, headers),) = _queued(str(member.id))
    assert headers["eta"], "the retry waits instead of hammering the relay"
    args = _dequeue(raw)
    assert "token" not in raw.decode(), "no token travels through the broker"

    # The relay comes back; the queued task (what the worker runs at its ETA) delivers.
    http_port = free_port()
    sink = _sink(refusing_relay, http_port)
    try:
        assert send_account_mail.apply(args=args).get() is True
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/messages", timeout=5) as r:
            (message,) = json.load(r)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    assert message["to"] == ["relay-down@example.org"]
    token = re.search(r"token=(\S+)", message["body"]).group(1)
    verified = client.post(f"{API}/auth/verify-email", {"token": token},
                           content_type="application/json")  # fmt: skip
    assert verified.status_code == 204
    member.refresh_from_db()
    assert member.email_verified_at is not None


def test_a_refused_relay_still_answers_a_password_reset_as_accepted(refusing_relay):
    User.objects.create_user("reset-relay@example.org", "old-passphrase-123", display_name="R")
    answered = Client().post(
        f"{API}/auth/password-reset", {"email": "reset-relay@example.org"},
        content_type="application/json",
    )  # fmt: skip
    assert answered.status_code == 202
    member = User.objects.get(email="reset-relay@example.org")
    for raw, _ in _queued(str(member.id)):
        _dequeue(raw)


def test_the_task_is_retried_while_the_relay_still_refuses(refusing_relay):
    member = User.objects.create_user(
        "still-down@example.org", "pass-phrase-1234", display_name="S"
    )
    with pytest.raises(Retry) as retry:
        send_account_mail.apply(args=("verification", str(member.id)), throw=True)
    assert isinstance(retry.value.exc, ConnectionRefusedError)
