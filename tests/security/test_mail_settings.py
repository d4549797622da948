"""Reset and verification tokens never reach the logs (issue 15, Medium 5): the console
e-mail backend was the default with DEBUG off, and a reset read from the server log
took over an account."""

import logging
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client

from tests.processes import REPO, clean_environment
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def _start(**env) -> subprocess.CompletedProcess:
    """Load the settings as a starting process does."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO, env=clean_environment(DJANGO_SETTINGS_MODULE="config.settings", **env),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_console_backend_is_refused_when_debug_is_off():
    refused = _start(DEBUG="false", EMAIL_BACKEND=CONSOLE)
    assert refused.returncode != 0
    assert "EMAIL_ALLOW_CONSOLE" in refused.stderr
    assert _start(DEBUG="false", EMAIL_BACKEND=CONSOLE, EMAIL_ALLOW_CONSOLE="true").returncode == 0
    assert _start(DEBUG="true", EMAIL_BACKEND=CONSOLE).returncode == 0


def test_without_debug_the_default_backend_is_smtp():
    shown = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; "
         "print(settings.EMAIL_BACKEND)"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**clean_environment(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false"),
             "EMAIL_BACKEND": ""},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().endswith("smtp.EmailBackend")


def test_reset_and_verification_tokens_are_never_logged(caplog, settings):
    settings.RATELIMIT_ENABLE = False
    caplog.set_level(logging.DEBUG)
    client = Client()
    registered = client.post(
        "/api/v1/identity/auth/register",
        {"email": "new@example.org", "password": "a-long-passphrase-42", "display_name": "New"},
        content_type="application/json",
    )
    assert registered.status_code == 201, registered.content
    user = member(password="old-passphrase-123")
    reset = client.post(
        "/api/v1/identity/auth/password-reset", {"email": user.email},
        content_type="application/json",
    )  # fmt: skip
    assert reset.status_code in (200, 202, 204)
    tokens = [
        token for message in mail.outbox for token in re.findall(r"token=([^\s&]+)", message.body)
    ]
    assert len(tokens) == 2
    for token in tokens:
        assert token not in caplog.text
