"""Static checks the rehearsal runs on the rendered manifests before it starts anything.

Each names the process and the cause, because a running pod would only show a symptom
(401s everywhere, a crash loop, traces that never arrive, a connection that hangs):

- ``jwks``: every web part that does not serve identity fetches the token keys from
  identity's Service (``AUTH_JWKS_URL``), at the port and path identity serves;
- ``probes``: every probe targets the port its process serves (gunicorn's bind for web
  parts, ``METRICS_PORT`` for workers);
- ``writable``: on a read-only root, what the processes write lies on writable mounts
  (``/tmp``, ``/app/var`` — data, Celery beat's schedule — and ``PROMETHEUS_MULTIPROC_DIR``);
- ``consumers``: every ``consume_events --group G`` runs where some loaded domain
  subscribes G (``@handles(..., group="G")``), or it exits at once;
- ``otlp``: the OTLP endpoint's port is the Collector's receiver for the protocol the
  app's exporter speaks;
- ``network``: every connection the configuration implies is allowed by the
  NetworkPolicies (``required_edges``), and no policy allows a pod-to-pod edge the
  architecture forbids (``forbidden_edges``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from deploy.rehearsal.manifests import Manifests, Workload, container_port
from deploy.rehearsal.plan import Plan
from deploy.rehearsal.policy import Peer, verdict

REPO = Path(__file__).resolve().parents[2]
COLLECTOR_CONFIG = REPO / "deploy" / "observability" / "otel-collector" / "config.yaml"
TRACING = REPO / "common" / "observability" / "tracing.py"
GUNICORN = REPO / "config" / "gunicorn.py"
TFVARS = REPO / "terraform" / "environments" / "{env}" / "terraform.tfvars"

DOMAINS = ("identity", "learning", "reputation", "passport", "governance", "marketplace")
JWKS_PATH = "/.well-known/jwks.json"
# Parts that hold identity's keys themselves (AUTH_JWKS_PROVIDER): identity and SERVICE=all.
KEY_HOLDERS = ("identity", "all")
# Parts that call the legacy system: the gateway's routes, Celery's sync task.
LEGACY_CALLERS = ("gateway", "celery-worker")

# Who stands outside the platform namespace, as production sees them.
ENVOY = Peer("envoy-gateway", "envoy-gateway-system", {"app.kubernetes.io/name": "envoy"})
PROMETHEUS = Peer("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
COLLECTOR = Peer("otel-collector", "observability", {"app.kubernetes.io/name": "otel-collector"})
ACME_SOLVER_LABELS = {"acme.cert-manager.io/http01-solver": "true"}
SMTP_RELAY = Peer("smtp-relay", ip="198.51.100.25")  # on the internet (TEST-NET-2)
LEGACY = Peer("legacy", ip="198.51.100.80")
#: Who sends mail: identity, the admin (it loads identity), the Celery worker (retries of
#: what the relay refused, ``identity.send_account_mail``).
MAIL_SENDERS = ("identity", "admin", "celery-worker")


@dataclass(frozen=True)
class Failure:
    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


# --- the architecture (docs/architecture.md), independent of the manifests ---------------


def architecture_permits(src: str, dst: str) -> bool:
    """Pod-to-pod calls the architecture allows: the gateway to each domain (strangler
    routes), every web part to identity's JWKS. Domains never call each other otherwise,
    workers are called by nobody, the admin only from outside."""
    if dst == "identity":
        return src in ("gateway", *DOMAINS) and src != "identity"
    return src == "gateway" and dst in DOMAINS


# --- peers ------------------------------------------------------------------------------


def pod_peer(manifests: Manifests, workload: Workload) -> Peer:
    named = {
        p["name"]: p["containerPort"]
        for c in workload.pod["containers"]
        for p in c.get("ports", [])
        if "name" in p
    }
    return Peer(workload.part, manifests.namespace, workload.labels, named_ports=named)


def data_network_host(env: str) -> str:
    """An address in the environment's private network, where the managed PostgreSQL and
    Valkey live (terraform/environments/<env>: subnet_cidr)."""
    text = Path(str(TFVARS).format(env=env)).read_text()
    [cidr] = re.findall(r'^subnet_cidr\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return str(next(ipaddress.ip_network(cidr).hosts()) + 99)


# --- jwks -------------------------------------------------------------------------------


def _service_target(manifests: Manifests, plan: Plan, url: str) -> tuple[str | None, str]:
    """(the part a URL reaches inside the namespace, or None, and why)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").split(".")[0]
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if host in ("127.0.0.1", "localhost"):
        return None, f"{url} is the pod itself"
    entry = plan.service_port(host, port)
    if entry is None:
        return None, f"no Service {host!r} with port {port} in {manifests.namespace}"
    return entry.parts[0] if entry.parts else None, f"Service {host}:{port}"


def verifies_tokens(workload: Workload, env: dict) -> bool:
    """A web part that does not hold identity's keys fetches the JWKS; a worker, a hook,
    identity and the admin never do."""
    [app] = workload.pod["containers"][:1]
    return "command" not in app and env.get("SERVICE", "all") not in KEY_HOLDERS


def check_jwks(manifests: Manifests, plan: Plan) -> list[Failure]:
    failures = []
    identity = manifests.workload("identity")
    identity_ports = {p["containerPort"] for c in identity.pod["containers"] for p in c["ports"]}
    for workload in plan.workloads:
        [app] = workload.pod["containers"][:1]
        env = manifests.config_env(app)
        if "command" in app or env.get("SERVICE", "all") in KEY_HOLDERS:
            continue  # a worker verifies no token; identity and the admin hold the keys
        url = env.get("AUTH_JWKS_URL")
        if not url:
            failures.append(
                Failure(
                    "jwks",
                    workload.part,
                    f"AUTH_JWKS_URL is not set (SERVICE={env.get('SERVICE')}): the default "
                    "http://127.0.0.1:8000/.well-known/jwks.json is this pod, which answers "
                    "404, so every authenticated request would be refused",
                )
            )
            continue
        part, how = _service_target(manifests, plan, url)
        entry = plan.service_port(
            (urlsplit(url).hostname or "").split(".")[0], urlsplit(url).port or 80
        )
        if part != "identity" or entry is None or entry.target_port not in identity_ports:
            failures.append(
                Failure("jwks", workload.part, f"AUTH_JWKS_URL={url} is not identity ({how})")
            )
        elif urlsplit(url).path != JWKS_PATH:
            failures.append(
                Failure("jwks", workload.part, f"AUTH_JWKS_URL={url}: identity serves {JWKS_PATH}")
            )
    return failures


# --- probes -----------------------------------------------------------------------------


def gunicorn_port() -> int:
    """The port the image's web command (gunicorn, config/gunicorn.py) binds."""
    match = re.search(r'^bind\s*=\s*"[^"]*:(\d+)"', GUNICORN.read_text(), re.MULTILINE)
    return int(match.group(1))


def served_port(manifests: Manifests, container: dict) -> int | None:
    if "command" not in container:
        return gunicorn_port()
    metrics = manifests.config_env(container).get("METRICS_PORT")
    return int(metrics) if metrics and metrics.isdigit() and int(metrics) else None


def check_probes(manifests: Manifests, plan: Plan) -> list[Failure]:
    failures = []
    for workload in plan.workloads:
        for container in workload.pod["containers"]:
            serves = served_port(manifests, container)
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                probe = container.get(kind)
                if probe is None:
                    failures.append(Failure("probes", workload.part, f"no {kind}"))
                    continue
                declared = probe["httpGet"]["port"]
                port = container_port(workload.pod, declared)
                if port != serves:
                    failures.append(
                        Failure(
                            "probes",
                            workload.part,
                            f"{kind} targets port {declared!r} ({port}) but the process "
                            f"serves /health and /ready on "
                            + (f"port {serves}" if serves else "no port (METRICS_PORT unset)"),
                        )
                    )
    return failures


# --- writable -------------------------------------------------------------------------

# What the image's processes write: tempfile and gunicorn's heartbeats, the app's data folder
# (config/settings: DATA_DIR, CELERY_BEAT_SCHEDULE_FILENAME under /app/var).
WRITTEN = ("/tmp", "/app/var")  # noqa: S108 - paths inside the container


def check_writable(manifests: Manifests, plan: Plan) -> list[Failure]:
    failures = []
    for workload in [*plan.hooks, *plan.workloads]:
        for container in workload.pod["containers"]:
            if not container.get("securityContext", {}).get("readOnlyRootFilesystem"):
                continue
            mounts = [m["mountPath"] for m in container.get("volumeMounts", [])
                      if not m.get("readOnly")]  # fmt: skip
            env = manifests.config_env(container)
            wanted = [*WRITTEN, *filter(None, [env.get("PROMETHEUS_MULTIPROC_DIR")])]
            for path in wanted:
                if not any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts):
                    failures.append(
                        Failure(
                            "writable",
                            workload.part,
                            f"{path} is on the read-only root filesystem (no writable mount)",
                        )
                    )
    return failures


# --- consumers ------------------------------------------------------------------------


def subscribed_groups(service: str) -> set[str]:
    """Consumer groups the domains a SERVICE loads subscribe (their @handles)."""
    domains = DOMAINS if service == "all" else (service,)
    groups = set()
    for domain in domains:
        handlers = REPO / "domains" / domain / "handlers.py"
        if handlers.is_file():
            groups |= set(re.findall(r'group="([\w-]+)"', handlers.read_text()))
    return groups


def check_consumers(manifests: Manifests, plan: Plan) -> list[Failure]:
    failures = []
    for workload in plan.workloads:
        container = workload.pod["containers"][0]
        command = container.get("command", [])
        if "consume_events" not in command or "--group" not in command:
            continue
        group = command[command.index("--group") + 1]
        service = manifests.config_env(container).get("SERVICE", "all")
        known = subscribed_groups(service)
        if group not in known:
            failures.append(
                Failure(
                    "consumers",
                    workload.part,
                    f"consume_events --group {group} under SERVICE={service}, whose domains "
                    f"subscribe {sorted(known) or 'nothing'}: it would exit at start",
                )
            )
    return failures


# --- otlp -------------------------------------------------------------------------------


def collector_ports() -> dict[str, int]:
    """The Collector's OTLP receiver ports by protocol ("grpc", "http")."""
    config = yaml.safe_load(COLLECTOR_CONFIG.read_text())
    protocols = config["receivers"]["otlp"]["protocols"]
    return {name: int(value["endpoint"].rsplit(":", 1)[1]) for name, value in protocols.items()}


def app_protocol() -> str:
    """The OTLP transport the app's exporter speaks (common/observability/tracing.py)."""
    source = TRACING.read_text()
    if "exporter.otlp.proto.grpc" in source:
        return "grpc"
    return "http/protobuf"


def check_otlp(manifests: Manifests, plan: Plan) -> list[Failure]:
    protocol = app_protocol()
    ports = collector_ports()
    wanted = ports["grpc" if protocol == "grpc" else "http"]
    failures = []
    for workload in [*plan.hooks, *plan.workloads]:
        env = manifests.config_env(workload.pod["containers"][0])
        endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        if not endpoint:
            continue
        declared = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
        port = urlsplit(endpoint).port
        if declared != protocol:
            failures.append(
                Failure(
                    "otlp",
                    workload.part,
                    f"OTEL_EXPORTER_OTLP_PROTOCOL={declared} but the app exports {protocol}",
                )
            )
        elif port != wanted:
            other = next((name for name, p in ports.items() if p == port), "no")
            failures.append(
                Failure(
                    "otlp",
                    workload.part,
                    f"OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}: port {port} is the Collector's "
                    f"{other} receiver, but the app exports {protocol}, received on port {wanted}",
                )
            )
    return failures


# --- network ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    src: Peer
    dst: Peer
    port: int
    why: str


def required_edges(manifests: Manifests, plan: Plan, env_name: str) -> list[Edge]:
    """The connections the configuration makes necessary."""
    pods = {w.part: pod_peer(manifests, w) for w in plan.workloads}
    data = data_network_host(env_name)
    edges = []
    for workload in [*plan.hooks, *plan.workloads]:
        src = pods.get(workload.part) or pod_peer(manifests, workload)
        env = manifests.config_env(workload.pod["containers"][0])
        edges += [
            Edge(src, Peer("postgresql", ip=data), 5432, "its database (stand-in port)"),
            Edge(src, Peer("redis", ip=data), 6379, "the bus (stand-in port)"),
        ]
        for key, why in (("AUTH_JWKS_URL", "JWKS"), ("LEGACY_BASE_URL", "legacy")):
            url = env.get(key)
            if not url or (key == "LEGACY_BASE_URL" and workload.part not in LEGACY_CALLERS):
                continue
            if key == "AUTH_JWKS_URL" and not verifies_tokens(workload, env):
                continue  # set for INTERNAL_TLS_REQUIRED's sake, never fetched
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            entry = plan.service_port((parts.hostname or "").split(".")[0], port)
            if entry:
                edges += [
                    Edge(src, pods[p], entry.target_port, f"{why} ({key})") for p in entry.parts
                ]
            elif key == "LEGACY_BASE_URL":
                edges.append(Edge(src, LEGACY, port, "the legacy system (LEGACY_BASE_URL)"))
        for pair in filter(None, env.get("GATEWAY_NEW_BASE_URLS", "").split(",")):
            _, url = pair.strip().split("=", 1)
            parts = urlsplit(url)
            entry = plan.service_port(parts.hostname, parts.port or 80)
            for p in entry.parts if entry else ():
                edges.append(Edge(src, pods[p], entry.target_port, "GATEWAY_NEW_BASE_URLS"))
        endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        if endpoint:
            edges.append(Edge(src, COLLECTOR, urlsplit(endpoint).port, "traces (OTLP)"))
        mail = env.get("EMAIL_BACKEND", "").endswith("smtp.EmailBackend")
        if mail and workload.part in MAIL_SENDERS:
            edges.append(Edge(src, SMTP_RELAY, int(env.get("EMAIL_PORT", 25)), "e-mail (SMTP)"))
    for route in plan.routes:
        entry = plan.service_port(route.service, route.port) if route.service else None
        for p in entry.parts if entry else ():
            edges.append(Edge(ENVOY, pods[p], entry.target_port, f"public route {route.path}"))
    for monitor in manifests.of("ServiceMonitor").values():
        for workload in plan.workloads:
            if workload.labels.get("app.kubernetes.io/name") == monitor["spec"]["selector"][
                "matchLabels"
            ].get("app.kubernetes.io/name"):
                for endpoint in monitor["spec"]["endpoints"]:
                    port = container_port(workload.pod, endpoint["port"])
                    edges.append(Edge(PROMETHEUS, pods[workload.part], port, "/metrics scrape"))
    if manifests.of("Gateway"):
        solver = Peer("acme-http01-solver", manifests.namespace, ACME_SOLVER_LABELS)
        edges.append(Edge(ENVOY, solver, 8089, "cert-manager's HTTP-01 challenge"))
    return edges


def forbidden_edges(manifests: Manifests, plan: Plan) -> list[Edge]:
    """Pod-to-pod edges the policies allow and the architecture forbids."""
    policies = list(manifests.of("NetworkPolicy").values())
    namespaces = manifests.namespace_labels()
    found = []
    for src_w in plan.workloads:
        for dst_w in plan.workloads:
            if src_w.part == dst_w.part or architecture_permits(src_w.part, dst_w.part):
                continue
            src, dst = pod_peer(manifests, src_w), pod_peer(manifests, dst_w)
            for port in sorted(set(dst.named_ports.values())):
                if verdict(policies, namespaces, src, dst, port).allowed:
                    found.append(Edge(src, dst, port, "forbidden by the architecture"))
    return found


def check_network(manifests: Manifests, plan: Plan, env_name: str) -> list[Failure]:
    policies = list(manifests.of("NetworkPolicy").values())
    namespaces = manifests.namespace_labels()
    failures = []
    seen = set()
    for edge in required_edges(manifests, plan, env_name):
        key = (edge.src.name, edge.dst.name, edge.port)
        if key in seen:
            continue
        seen.add(key)
        result = verdict(policies, namespaces, edge.src, edge.dst, edge.port)
        if not result.allowed:
            failures.append(
                Failure(
                    "network",
                    f"{edge.src.name} -> {edge.dst.name}:{edge.port}",
                    f"blocked ({edge.why}): {result.reason}",
                )
            )
    failures += [
        Failure(
            "network",
            f"{edge.src.name} -> {edge.dst.name}:{edge.port}",
            "allowed by the NetworkPolicies, forbidden by the architecture",
        )
        for edge in forbidden_edges(manifests, plan)
    ]
    return failures


def run_all(manifests: Manifests, plan: Plan, env_name: str) -> list[Failure]:
    return [
        *check_jwks(manifests, plan),
        *check_probes(manifests, plan),
        *check_consumers(manifests, plan),
        *check_writable(manifests, plan),
        *check_otlp(manifests, plan),
        *check_network(manifests, plan, env_name),
    ]
