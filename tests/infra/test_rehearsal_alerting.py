"""The rehearsal's Prometheus and Alertmanager configuration (deploy/rehearsal/alerting.py),
generated from the rendered manifests: every ServiceMonitor endpoint scraped as declared,
the PrometheusRule's rules loaded, the project's routing delivering the fired alert to
the recorder. Checked with the real promtool and amtool; the run itself is in
``make rehearse`` (its journey waits for the alert at the recorder).
"""

from __future__ import annotations

import subprocess

import pytest
import yaml

from deploy.rehearsal import alerting, plan
from deploy.rehearsal.manifests import Manifests
from tests.infra.tools import REPO_ROOT, kustomize_build, system_tool

DEV = REPO_ROOT / "deploy" / "k8s" / "overlays" / "dev"


@pytest.fixture(scope="module")
def manifests() -> Manifests:
    return Manifests.parse(kustomize_build(DEV))


@pytest.fixture
def written(manifests, tmp_path):
    built = plan.build(manifests)
    ips = {w.part: f"10.0.0.{i + 10}" for i, w in enumerate(built.workloads)}
    scrape = alerting.scrape_config(manifests, built, ips, "dev")
    secrets = {name: {key: f"{name}/{key}"} for name, key in alerting.secret_refs(scrape)}
    alerting.write_files(tmp_path, scrape, "http://smtp-relay:8025/slack", secrets)
    return scrape, ips, tmp_path


def test_every_service_monitor_endpoint_is_scraped_as_declared(manifests, written):
    scrape, ips, _ = written
    jobs = {job["static_configs"][0]["labels"]["job"]: job for job in scrape["scrape_configs"]}
    assert set(jobs) == set(manifests.of("ServiceMonitor"))
    for name, monitor in manifests.of("ServiceMonitor").items():
        endpoint = monitor["spec"]["endpoints"][0]
        part = monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        job = jobs[name]
        assert job["metrics_path"] == endpoint["path"]
        assert job["scrape_interval"] == endpoint["interval"]
        (target,) = job["static_configs"][0]["targets"]
        assert target.startswith(ips[part] + ":")
        # The scheme, CA, server name and token the ServiceMonitor declares.
        assert job["scheme"] == endpoint.get("scheme", "http")
        if "tlsConfig" in endpoint:
            ca = endpoint["tlsConfig"]["ca"]["secret"]
            assert job["tls_config"] == {
                "ca_file": f"{alerting.SECRETS_DIR}/{ca['name']}/{ca['key']}",
                "server_name": endpoint["tlsConfig"]["serverName"],
            }
        token = endpoint["authorization"]["credentials"]
        assert job["authorization"] == {
            "type": "Bearer",
            "credentials_file": f"{alerting.SECRETS_DIR}/{token['name']}/{token['key']}",
        }
    workers = {"relay", "projections", "celery-worker", "celery-beat"}
    assert {jobs[w]["static_configs"][0]["targets"][0].split(":")[1] for w in workers} == {"9100"}


def test_promtool_accepts_the_configuration_and_the_rendered_rules(written):
    _, _, directory = written
    rules = yaml.safe_load((directory / "prometheus" / "rules.yml").read_text())
    names = {rule.get("alert") for group in rules["groups"] for rule in group["rules"]}
    assert alerting.ALERT in names
    # promtool opens the rule, CA and token files: point it at the written ones.
    config = directory / "prometheus" / "prometheus.yml"
    text = config.read_text().replace("/etc/prometheus/", f"{config.parent}/")
    config.write_text(text)
    checked = subprocess.run(
        [system_tool("promtool"), "check", "config", str(config)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_fired_alert_is_routed_to_the_recorded_slack_webhook(written):
    _, _, directory = written
    receivers = directory / "alertmanager" / "receivers"
    assert (receivers / "slack-webhook-url").read_text().strip() == "http://smtp-relay:8025/slack"
    # EventBusDeadLetters carries severity=warning and the consumer group as its team.
    routed = subprocess.run(
        [system_tool("amtool"), "config", "routes", "test",
         "--config.file", str(directory / "alertmanager" / "alertmanager.yml"),
         f"alertname={alerting.ALERT}", "severity=warning", "team=passport"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert routed.returncode == 0, routed.stdout + routed.stderr
    assert "slack-passport" in routed.stdout
