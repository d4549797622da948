"""``manage.py check --deploy`` with the production settings of ``.env.example``
reports nothing (issue 15: W005, W008 and W021 remained, and the project's key check
accepted 32 characters where Django asks for 50)."""

import secrets
import subprocess
import sys

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
    env = clean_environment(**env_example())
    env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_the_production_settings_pass_the_deployment_check():
    result = check_deploy(secrets.token_urlsafe(48))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_key_short_of_fifty_characters_fails_it():
    result = check_deploy("k" * 20 + secrets.token_urlsafe(12))  # 36: starts, but fails
    assert result.returncode != 0
    assert "platform.E001" in result.stdout + result.stderr
