"""``/metrics`` was public through the Ingress's catch-all route (issue 15, Low), and the
token that closed it was optional and sent by no scraper.

Now, with DEBUG off, a process without a scrape token does not start; the web port and
the workers' ``METRICS_PORT`` answer only ``Authorization: Bearer <METRICS_TOKEN>`` (404
to anyone else); and everything that scrapes sends it: every ServiceMonitor of every
overlay, from the Secret the process itself reads, and the compose stack's Prometheus.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
import yaml
from django.test import Client

from common.observability.worker_server import start_worker_server
from tests.processes import REPO, clean_environment, free_port, run_django

TOKEN = "scrape-token-0123456789abcdef0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_a_scrape_without_the_token_is_refused_and_with_it_answered(token):
    client = Client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 404
    scraped = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert scraped.status_code == 200
    assert b"# HELP" in scraped.content


def _get(url: str, authorization: str | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": authorization} if authorization else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:  # noqa: S310 - local
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_workers_metrics_port_asks_for_the_same_token(token):
    port = free_port()
    server = start_worker_server(port, host="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{port}"
        assert _get(f"{url}/metrics")[0] == 404
        assert _get(f"{url}/metrics", "Bearer wrong")[0] == 404
        status, body = _get(f"{url}/metrics", f"Bearer {token}")
        assert status == 200 and b"# HELP" in body
        assert _get(f"{url}/health")[0] == 200  # probes carry no token
    finally:
        server.shutdown()
        server.server_close()


def test_with_debug_off_no_token_means_closed_not_open(settings):
    """Start-up refuses this state; should it arise anyway, nothing is served."""
    settings.METRICS_TOKEN = ""
    settings.DEBUG = False
    assert Client().get("/metrics").status_code == 404


def test_a_debug_run_without_a_token_stays_open_for_local_work(settings):
    settings.METRICS_TOKEN = ""
    settings.DEBUG = True
    assert Client().get("/metrics").status_code == 200


@pytest.mark.parametrize("value", ["", "too-short-0123456789"])
def test_start_up_refuses_a_missing_or_short_token_with_debug_off(tmp_path, value):
    env = clean_environment(DATA_DIR=str(tmp_path), DEBUG="false", METRICS_TOKEN=value)
    result = run_django("print('started')", env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "METRICS_TOKEN" in last_line


def test_debug_may_run_without_a_token(tmp_path):
    env = clean_environment(DATA_DIR=str(tmp_path), DEBUG="true", METRICS_TOKEN="")
    result = run_django("print('started')", env)
    assert result.returncode == 0, result.stderr


# --- every scraper sends it ------------------------------------------------------------


@pytest.fixture(scope="module")
def overlays() -> dict[str, list[dict]]:
    from tests.infra.tools import documents, kustomize_build

    return {
        env: documents(kustomize_build(REPO / "deploy" / "k8s" / "overlays" / env))
        for env in ("dev", "staging", "production")
    }


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
def test_every_service_monitor_sends_the_token_its_process_reads(overlays, env):
    docs = overlays[env]
    of = lambda kind: [d for d in docs if d["kind"] == kind]  # noqa: E731
    # Secret name -> {key: (remote key, property)}, as External Secrets delivers them.
    delivered = {
        es["spec"]["target"]["name"]: {
            item["secretKey"]: (item["remoteRef"]["key"], item["remoteRef"].get("property"))
            for item in es["spec"].get("data", [])
        }
        for es in of("ExternalSecret")
    }
    workloads = {
        w["metadata"]["labels"]["app.kubernetes.io/name"]: w
        for w in of("Deployment") + of("StatefulSet")
    }
    monitors = [
        m for m in of("ServiceMonitor")
        if m["metadata"]["labels"].get("app.kubernetes.io/part-of") == "platform"
    ]  # fmt: skip
    assert len(monitors) == len(workloads) >= 15
    for monitor in monitors:
        part = monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for endpoint in monitor["spec"]["endpoints"]:
            auth = endpoint.get("authorization")
            assert auth and auth["type"] == "Bearer", f"{env}/{part}: no scrape token"
            ref = auth["credentials"]
            assert delivered[ref["name"]][ref["key"]] == ("platform/metrics", "token"), part
            # The process reads the very Secret the monitor sends from.
            [container] = workloads[part]["spec"]["template"]["spec"]["containers"]
            sources = {s.get("secretRef", {}).get("name") for s in container["envFrom"]}
            assert ref["name"] in sources and ref["key"] == "METRICS_TOKEN", part


def test_the_service_monitors_are_valid_custom_resources(overlays):
    from tests.infra.tools import validate_custom_resources

    monitors = [d for d in overlays["production"] if d["kind"] == "ServiceMonitor"]
    results = validate_custom_resources(yaml.safe_dump_all(monitors))
    assert results and all(r["status"] == "valid" for r in results), results


def test_the_migration_job_gets_the_token_its_settings_require(overlays):
    [migrate] = [
        d for d in overlays["production"]
        if d["kind"] == "ExternalSecret" and d["spec"]["target"]["name"] == "migrate-secrets"
    ]  # fmt: skip
    refs = {i["secretKey"]: i["remoteRef"] for i in migrate["spec"]["data"]}
    assert refs["METRICS_TOKEN"] == {"key": "platform/metrics", "property": "token"}


def test_the_compose_prometheus_sends_the_token_to_every_platform_job():
    config = yaml.safe_load(
        (REPO / "deploy" / "observability" / "prometheus" / "prometheus.yml").read_text()
    )
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    prometheus = compose["services"]["prometheus"]
    written_to = " ".join(prometheus["entrypoint"])
    assert prometheus["environment"]["METRICS_TOKEN"].startswith("${METRICS_TOKEN:?")
    assert compose["x-platform-env"]["METRICS_TOKEN"].startswith("${METRICS_TOKEN:?")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for name in ("platform-web", "platform-workers"):
        auth = jobs[name]["authorization"]
        assert auth["type"] == "Bearer"
        assert f"> {auth['credentials_file']}" in written_to, name
