"""``manage.py check --deploy`` with the production settings of ``.env.example``
reports nothing (issue 15: W005, W008 and W021 remained), and start-up holds the key to
the same bar as Django's deployment check (50 characters, 5 distinct, no
``django-insecure-`` prefix) instead of the 32 characters it accepted."""

import secrets
import subprocess
import sys

import pytest

from tests.processes import REPO, clean_environment


def env_example() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def check_deploy(secret_key: str) -> subprocess.CompletedProcess:
    """The deployment check as an operator runs it: .env.example's values, plus the two
    secrets it leaves empty (required with DEBUG off)."""
    env = clean_environment(**env_example())
    env["SECRET_KEY"] = secret_key
    env["METRICS_TOKEN"] = secrets.token_urlsafe(32)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_the_production_settings_pass_the_deployment_check():
    assert env_example()["DEBUG"] == "false"
    result = check_deploy(secrets.token_urlsafe(48))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("k" * 13 + secrets.token_urlsafe(27), id="49-characters"),
        pytest.param("abcd" * 13, id="52-characters-4-distinct"),
        pytest.param("django-insecure-" + secrets.token_urlsafe(40), id="startproject-prefix"),
        pytest.param("k" * 20 + secrets.token_urlsafe(12), id="36-characters-accepted-before"),
    ],
)
def test_start_up_refuses_a_key_below_djangos_bar(key):
    result = check_deploy(key)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert "SECRET_KEY" in last_line and "50 characters" in last_line


def test_a_key_at_the_bar_starts():
    result = check_deploy("k" * 10 + secrets.token_urlsafe(30))  # 50 characters
    assert result.returncode == 0, result.stdout + result.stderr
