"""The rehearsal's alerting: a real Prometheus scraping the pods, a real Alertmanager
delivering what fires.

In the cluster the Prometheus Operator turns the ServiceMonitors into scrape jobs and
loads the PrometheusRule; here the scrape configuration is generated from the rendered
ServiceMonitors (each endpoint's port, path and interval, on the pods the Service
selects) and the rules are the rendered PrometheusRule's groups, unchanged. Alertmanager
runs the project's own routing (deploy/observability/alertmanager/alertmanager.yml)
with the receivers' credential files from a local stand-in: the Slack webhook URL points
at the rehearsal's sink, which records what it is sent. Both are Debian's packages on
the stand-in base (scripts/image/service-images.sh).

To have something to fire, one entry no consumer can read is added to identity's stream:
every group subscribed to it dead-letters it, ``eventbus_dead_letters_total`` rises,
``EventBusDeadLetters`` fires (warning, the consumer's team) and Alertmanager routes it
to that team's Slack channel. The smoke journey's last step waits for it at the sink.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import yaml

from deploy.rehearsal.manifests import Manifests, container_port
from deploy.rehearsal.plan import Plan

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deploy" / "observability" / "k8s" / "prometheus-rule.yaml"
ALERTMANAGER_CONFIG = REPO / "deploy" / "observability" / "alertmanager" / "alertmanager.yml"
RECEIVER_FILES = "/etc/alertmanager/secrets/alertmanager-receivers"
ALERT = "EventBusDeadLetters"
PROMETHEUS_PORT, ALERTMANAGER_PORT = 9090, 9093
#: Where the scrape jobs' CA and token files are, inside the Prometheus container.
SECRETS_DIR = "/etc/prometheus/secrets"
#: Names on the rehearsal network; in the cluster both live in the monitoring namespace.
PROMETHEUS_NAME, ALERTMANAGER_NAME = "prometheus-server", "alertmanager"
#: How often rules are evaluated (the Operator's default is 30s; shorter here so the run
#: waits less for a rule whose expression is already true).
EVALUATION_INTERVAL = "10s"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _secret_file(ref: dict) -> str:
    """Where Prometheus reads one key of a Secret (``{name, key}``)."""
    return f"{SECRETS_DIR}/{ref['name']}/{ref['key']}"


def secret_refs(scrape: dict) -> list[tuple[str, str]]:
    """The (Secret, key) pairs a scrape configuration reads files of."""
    files = []
    for job in scrape["scrape_configs"]:
        files.append(job.get("tls_config", {}).get("ca_file"))
        files.append(job.get("authorization", {}).get("credentials_file"))
    pairs = {tuple(f.removeprefix(SECRETS_DIR + "/").split("/", 1)) for f in files if f}
    return sorted(pairs)


def scrape_config(manifests: Manifests, plan: Plan, pod_ips: dict[str, str], env: str) -> dict:
    """prometheus.yml for the pods: one job per ServiceMonitor endpoint, as declared."""
    jobs = []
    for name, monitor in sorted(manifests.of("ServiceMonitor").items()):
        part = monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        workload = next(w for w in plan.workloads if w.part == part)
        for endpoint in monitor["spec"]["endpoints"]:
            port = container_port(workload.pod, endpoint["port"])
            job = {
                "job_name": f"{manifests.namespace}/{name}/{endpoint['port']}",
                "metrics_path": endpoint.get("path", "/metrics"),
                "static_configs": [
                    {
                        "targets": [f"{pod_ips[part]}:{port}"],
                        # What the Operator attaches: the Service's name as job, the
                        # namespace, the pod and the endpoint's port name.
                        "labels": {
                            "job": name,
                            "namespace": manifests.namespace,
                            "pod": part,
                            "endpoint": endpoint["port"],
                        },
                    }
                ],
            }
            # As the Operator renders them: the scheme, the CA and server name the
            # endpoint's tlsConfig names, the bearer token its authorization names (each
            # read from the Secret it names, written under SECRETS_DIR by write_files).
            job["scheme"] = endpoint.get("scheme", "http")
            if tls := endpoint.get("tlsConfig"):
                job["tls_config"] = {
                    "ca_file": _secret_file(tls["ca"]["secret"]),
                    "server_name": tls["serverName"],
                }
            if auth := endpoint.get("authorization"):
                job["authorization"] = {
                    "type": auth.get("type", "Bearer"),
                    "credentials_file": _secret_file(auth["credentials"]),
                }
            if "interval" in endpoint:
                job["scrape_interval"] = endpoint["interval"]
            if "scrapeTimeout" in endpoint:
                job["scrape_timeout"] = endpoint["scrapeTimeout"]
            jobs.append(job)
    return {
        "global": {
            "evaluation_interval": EVALUATION_INTERVAL,
            "external_labels": {"environment": env},
        },
        "rule_files": ["/etc/prometheus/rules.yml"],
        "alerting": {
            "alertmanagers": [
                {"static_configs": [{"targets": [f"{ALERTMANAGER_NAME}:{ALERTMANAGER_PORT}"]}]}
            ]
        },
        "scrape_configs": jobs,
    }


def rules(path: Path = RULES) -> dict:
    """The rendered PrometheusRule's groups, as a Prometheus rule file."""
    return {"groups": yaml.safe_load(path.read_text())["spec"]["groups"]}


def receiver_files(webhook_url: str) -> dict[str, str]:
    """The credential files alertmanager.yml reads, with the keys the ExternalSecret
    ``alertmanager-receivers`` delivers: Slack goes to the sink; PagerDuty and SMTP get
    values that reach nothing (no page, no mail leaves the machine)."""
    return {
        "slack-webhook-url": webhook_url,
        "pagerduty-routing-key": "rehearsal-no-pagerduty",
        "smtp-password": "rehearsal-no-smtp",
    }


def write_files(
    directory: Path, scrape: dict, webhook_url: str, secrets: dict[str, dict[str, str]]
) -> None:
    """prometheus/{prometheus.yml,rules.yml,secrets/}, alertmanager/{alertmanager.yml,
    receivers/}; ``secrets`` holds the Secrets' data the scrape jobs read (by name)."""
    prometheus = directory / "prometheus"
    for name, key in secret_refs(scrape):
        target = prometheus / "secrets" / name / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(secrets[name][key])
    receivers = directory / "alertmanager" / "receivers"
    receivers.mkdir(parents=True, exist_ok=True)
    prometheus.mkdir(parents=True, exist_ok=True)
    (prometheus / "prometheus.yml").write_text(yaml.safe_dump(scrape, sort_keys=False))
    (prometheus / "rules.yml").write_text(yaml.safe_dump(rules(), sort_keys=False))
    (directory / "alertmanager" / "alertmanager.yml").write_text(ALERTMANAGER_CONFIG.read_text())
    for name, value in receiver_files(webhook_url).items():
        (receivers / name).write_text(value + "\n")
    # The servers run as nobody.
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _get(url: str) -> dict | None:
    try:
        with _DIRECT.open(url, timeout=10) as response:
            return json.load(response)
    except (OSError, ValueError):
        return None


def start(rehearsal) -> list[str]:
    """Run Prometheus and Alertmanager on the rehearsal network, make the alert's fault,
    and return the smoke journey's arguments for its alerting step."""
    from deploy.rehearsal import runner

    pod_ips = {part: state.ip for part, state in rehearsal.probes.items()}
    directory = rehearsal.workdir / "alerting"
    webhook = f"http://{runner.SINK_HOST}:{runner.SINK_HTTP}/slack"
    scrape = scrape_config(rehearsal.manifests, rehearsal.plan, pod_ips, rehearsal.env)
    write_files(directory, scrape, webhook, rehearsal.secrets())
    prefix = rehearsal.standin_prefix
    rehearsal.container(
        f"monitoring-{ALERTMANAGER_NAME}", f"{prefix}alertmanager:0.25-bookworm",
        "--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager",
        aliases=[ALERTMANAGER_NAME],
        volumes=[f"{directory}/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro",
                 f"{directory}/alertmanager/receivers:{RECEIVER_FILES}:ro"],
    )  # fmt: skip
    server = rehearsal.container(
        f"monitoring-{PROMETHEUS_NAME}", f"{prefix}prometheus:2.42-bookworm",
        "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
        aliases=[PROMETHEUS_NAME],
        volumes=[f"{directory}/prometheus:/etc/prometheus:ro"],
        publish=[f"127.0.0.1::{PROMETHEUS_PORT}"],
    )  # fmt: skip
    # Its scrapes are checked against the policies as the cluster's Prometheus.
    rehearsal.ips[rehearsal.ip_of(server)] = "prometheus"
    ports = json.loads(rehearsal.podman("inspect", server).stdout)[0]["NetworkSettings"]["Ports"]
    url = f"http://127.0.0.1:{ports[f'{PROMETHEUS_PORT}/tcp'][0]['HostPort']}"

    def scraping() -> bool:
        targets = (_get(f"{url}/api/v1/targets") or {}).get("data", {}).get("activeTargets", [])
        return bool(targets) and all(t["health"] == "up" for t in targets)

    rehearsal.wait_for("Prometheus scraping every pod", scraping, 240, server)
    loaded = _get(f"{url}/api/v1/rules") or {}
    names = {r.get("name") for g in loaded.get("data", {}).get("groups", []) for r in g["rules"]}
    if ALERT not in names:
        raise runner.RehearsalFailed(f"Prometheus did not load the rule {ALERT}: {sorted(names)}")
    inject_dead_letter(rehearsal)
    runner.log(
        f"Prometheus ({len(scrape['scrape_configs'])} ServiceMonitor endpoints, "
        f"{len(names)} rules from the PrometheusRule) and Alertmanager (the project's "
        f"routing; Slack -> the sink) running; a poison entry on events:identity for {ALERT}"
    )
    return [
        "--prometheus-url", url,
        "--alert-webhook-url", f"http://127.0.0.1:{rehearsal.sink_port}/webhooks?path=/slack",
        "--expect-alert", ALERT,
    ]  # fmt: skip


def inject_dead_letter(rehearsal) -> None:
    """An entry no consumer can read, on identity's stream (over TLS, with the password)."""
    from deploy.rehearsal import runner

    valkey = rehearsal.podman.name("valkey")
    added = rehearsal.podman(
        "exec", valkey, "redis-cli", "--tls", "--cacert", "/tls/ca.crt", "-h", runner.REDIS_HOST,
        "--sni", runner.REDIS_HOST, "-a", rehearsal.store.redis_password, "--no-auth-warning",
        "XADD", "events:identity", "*", "envelope", "not an envelope", check=False,
    )  # fmt: skip
    if added.returncode != 0 or "ERR" in added.stdout:
        raise runner.RehearsalFailed(f"no poison entry added: {added.stdout}{added.stderr}")
