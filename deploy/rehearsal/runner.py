"""The podman side of the rehearsal: stand-ins, the hook, the pods, probes, the proxy,
the connections seen, teardown.

Every object it creates is named ``<prefix>...`` and removed by name at the end (unless
``keep``). What each step does is printed; a failure raises :class:`RehearsalFailed`
with the container's name and the tail of its log.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from deploy.rehearsal import certificates, proxy
from deploy.rehearsal.manifests import Manifests, Workload, container_port
from deploy.rehearsal.plan import Plan
from deploy.rehearsal.store import Store, secrets_for

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# Endpoints outside the cluster, replaced by stand-ins on the rehearsal network (printed):
# production's SMTP relay and legacy system are somebody else's servers.
PG_HOST = "postgresql"
REDIS_HOST = "valkey"
SINK_HOST = "smtp-relay"
LEGACY_HOST = "legacy"
SINK_SMTP, SINK_HTTP, SINK_OTLP, LEGACY_PORT = 1025, 8025, 4318, 8090


class RehearsalFailed(Exception):
    pass


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} rehearse: {message}", flush=True)


@dataclass
class Podman:
    conf: Path
    prefix: str

    def __call__(self, *args: str, check: bool = True, timeout: float = 600, **kw):
        env = {**os.environ, "CONTAINERS_CONF": str(self.conf)}
        # The machine's podman (scripts/image/lib.sh installs it), arguments built here.
        result = subprocess.run(  # noqa: S603
            ["podman", "--runtime", "runc", *args],  # noqa: S607
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
            **kw,
        )
        if check and result.returncode != 0:
            raise RehearsalFailed(f"podman {' '.join(args[:3])}: {result.stderr.strip()[-2000:]}")
        return result

    def name(self, suffix: str) -> str:
        return f"{self.prefix}{suffix}"

    def tail(self, container: str, lines: int = 30) -> str:
        return (
            self("logs", "--tail", str(lines), container, check=False).stdout
            + self("logs", "--tail", str(lines), container, check=False).stderr
        )


def write_conf(path: Path) -> Path:
    """runc (crun refuses this kind of host's hybrid cgroups) and no default ulimits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n', encoding="utf-8"
    )
    return path


# --- certificates -----------------------------------------------------------------------


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: S603,S607


def make_ca(directory: Path, servers: dict[str, list[str]]) -> None:
    """A CA for this rehearsal only, and a server certificate per name (SANs given)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = directory / "ca.key", directory / "ca.crt"
    subject = "/CN=platform rehearsal CA"
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", subject, "-keyout", str(ca_key), "-out", str(ca_crt))  # fmt: skip
    for name, sans in servers.items():
        key, csr, crt = (directory / f"{name}.{ext}" for ext in ("key", "csr", "crt"))
        ext = directory / f"{name}.ext"
        ext.write_text("subjectAltName=" + ",".join(sans) + "\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", str(key), "-out", str(csr))  # fmt: skip
        openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_crt),
                "-CAkey", str(ca_key), "-CAcreateserial", "-days", "2",
                "-extfile", str(ext), "-out", str(crt))  # fmt: skip
    for path in directory.iterdir():
        path.chmod(0o644)  # read by the servers' own users inside their containers


# --- probes -----------------------------------------------------------------------------


@dataclass
class ProbeState:
    container: str
    part: str
    ip: str
    failures: list[str] = field(default_factory=list)
    ready: bool = False
    was_ready: bool = False
    unready_spells: int = 0  # times a ready pod left the endpoints (failureThreshold misses)
    started: bool = False
    done: threading.Event = field(default_factory=threading.Event)


# The kubelet reaches pods directly, whatever proxy the machine's environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# The kubelet's HTTPS probes do not verify the certificate (the callers do).
_UNVERIFIED = ssl._create_unverified_context()  # noqa: S323 - as the kubelet probes
_DIRECT_TLS = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=_UNVERIFIED)
)


def http_probe(
    ip: str, port: int, path: str, timeout: float, scheme: str = "HTTP"
) -> tuple[bool, str]:
    """What the kubelet does: GET <scheme>://<pod IP>:<port><path>, Host <pod IP>:<port>,
    success on 200-399."""
    opener = _DIRECT_TLS if scheme == "HTTPS" else _DIRECT
    try:
        with opener.open(f"{scheme.lower()}://{ip}:{port}{path}", timeout=timeout) as response:
            return 200 <= response.status < 400, str(response.status)
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except OSError as exc:
        return False, type(exc).__name__ + ": " + str(exc)[:120]


def run_probes(
    state: ProbeState, pod: dict, container: dict, stop: threading.Event, scale: float = 1.0
) -> None:
    """startupProbe until it succeeds (failureThreshold x periodSeconds at most), then
    readiness and liveness on their own periods until ``stop``: a failed liveness
    or startup probe is a failure of the rehearsal, readiness marks the pod ready.
    ``scale`` stretches only the timeouts, for a machine shared far beyond its cores
    (the run prints it; 1.0 is the manifests' timing)."""

    def spec(kind):
        probe = container[kind]
        get = probe["httpGet"]
        return (
            container_port(pod, get["port"]),
            get["path"],
            probe.get("periodSeconds", 10),
            probe.get("timeoutSeconds", 1) * scale,
            probe.get("failureThreshold", 3),
            probe.get("initialDelaySeconds", 0),
            get.get("scheme", "HTTP"),
        )

    port, path, period, timeout, threshold, delay, scheme = spec("startupProbe")
    time.sleep(delay)
    for _ in range(threshold):
        ok, detail = http_probe(state.ip, port, path, timeout, scheme)
        if ok:
            state.started = True
            break
        if stop.wait(period):
            return
    else:
        state.failures.append(
            f"startupProbe GET :{port}{path} failed {threshold} times, every {period}s "
            f"(last: {detail})"
        )
        state.done.set()
        return
    next_run = {"readinessProbe": 0.0, "livenessProbe": 0.0}
    misses = {"readinessProbe": 0, "livenessProbe": 0}
    while not stop.is_set():
        now = time.monotonic()
        for kind in next_run:
            if now < next_run[kind]:
                continue
            port, path, period, timeout, threshold, _, scheme = spec(kind)
            next_run[kind] = now + period
            ok, detail = http_probe(state.ip, port, path, timeout, scheme)
            misses[kind] = 0 if ok else misses[kind] + 1
            if kind == "readinessProbe":
                if ok:
                    state.ready = state.was_ready = True
                    state.done.set()
                elif state.ready and misses[kind] >= threshold:
                    state.ready = False
                    state.unready_spells += 1
            elif misses[kind] >= threshold:
                state.failures.append(
                    f"livenessProbe GET :{port}{path} failed {threshold} times (last: {detail})"
                )
                state.done.set()
                return
        stop.wait(0.5)


# --- the run ----------------------------------------------------------------------------


@dataclass
class Rehearsal:
    manifests: Manifests
    plan: Plan
    env: str
    image: str
    standin_prefix: str  # tags of the stand-in service images (scripts/image)
    podman: Podman
    workdir: Path
    keep: bool = False
    journey: bool = True
    created: dict[str, list[str]] = field(
        default_factory=lambda: {"pod": [], "container": [], "volume": [], "network": []}
    )
    ips: dict[str, str] = field(default_factory=dict)  # IP -> what it is
    probes: dict[str, ProbeState] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    overrides: dict[str, str] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    proxy_image: str = ""
    images: dict[str, str] = field(default_factory=dict)
    timeout_scale: float = 1.0
    app_may_create: bool = False
    tls_options: dict = field(default_factory=dict)  # certificates.CertManager's options
    #: The smoke journey's alerting arguments (deploy/rehearsal/alerting.py sets them).
    journey_args: list[str] = field(
        default_factory=lambda: ["--skip", "Prometheus and Alertmanager: --no-alerting"]
    )

    # -- infrastructure -----------------------------------------------------------------

    def network(self) -> None:
        """A network whose subnet lies in the pod network the manifests admit
        (ALLOWED_CIDR_NETS), so probes and scrapes by pod IP are answered as in the cluster."""
        pod_cidr = self.manifests.of("ConfigMap")["platform-common"]["data"]["ALLOWED_CIDR_NETS"]
        base = pod_cidr.split("/")[0].rsplit(".", 2)[0]
        name = self.podman.name("net")
        for _ in range(20):
            subnet = f"{base}.{random.randint(100, 250)}.0/24"  # noqa: S311
            if (
                self.podman("network", "create", "--subnet", subnet, name, check=False).returncode
                == 0
            ):
                break
        else:
            raise RehearsalFailed(f"no free /24 in {pod_cidr} for the rehearsal network")
        self.created["network"].append(name)
        info = json.loads(self.podman("network", "inspect", name).stdout)[0]
        self.subnet = subnet
        self.gateway_ip = info["subnets"][0]["gateway"]
        self.bridge = info["network_interface"]
        log(f"network {name}: {subnet} on {self.bridge} (inside the pod network {pod_cidr})")

    def capture(self) -> None:
        """Every TCP connection opened on the network, from its SYN (tcpdump). The bridge
        exists once a container has joined the network: called after the stand-ins."""
        self.wait_for(
            "the network's bridge", lambda: Path(f"/sys/class/net/{self.bridge}").exists()
        )
        self.capture_file = self.workdir / "syn.log"
        self.tcpdump = subprocess.Popen(  # noqa: S603
            ["tcpdump", "-i", self.bridge, "-nn", "-l", "-q",  # noqa: S607
             "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"],
            stdout=self.capture_file.open("w"),
            stderr=(self.workdir / "tcpdump.err").open("w"),
        )  # fmt: skip
        time.sleep(2)
        if self.tcpdump.poll() is not None:
            raise RehearsalFailed(
                f"tcpdump on {self.bridge} stopped: {(self.workdir / 'tcpdump.err').read_text()}"
            )

    def container(
        self, name: str, image: str, *args: str, aliases=(), publish=(), volumes=(), env=None
    ) -> str:
        full = self.podman.name(name)
        options = ["--name", full, "--network", self.podman.name("net")]
        for alias in aliases:
            options += ["--network-alias", alias]
        for port in publish:
            options += ["-p", port]
        for volume in volumes:
            options += ["-v", volume]
        for key, value in (env or {}).items():
            options += ["-e", f"{key}={value}"]
        self.created["container"].append(full)
        self.podman("run", "-d", *options, image, *args)
        self.ips[self.ip_of(full)] = name
        return full

    def ip_of(self, container: str) -> str:
        networks = json.loads(self.podman("inspect", container).stdout)[0]["NetworkSettings"][
            "Networks"
        ]
        return networks[self.podman.name("net")]["IPAddress"]

    def wait_for(self, what: str, test, seconds: float = 120, container: str = "") -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if test():
                return
            time.sleep(1)
        tail = f"\n--- {container} log tail ---\n{self.podman.tail(container)}" if container else ""
        raise RehearsalFailed(f"{what} not ready after {seconds:.0f}s{tail}")

    def hostnames(self) -> list[str]:
        return sorted({listener["hostname"] for listener in self.plan.listeners})

    def standins(self) -> None:
        """PostgreSQL and Redis with TLS (the rehearsal's CA), the SMTP relay and OTLP
        receiver (one sink), the legacy system: what lies outside the namespace."""
        certs = self.workdir / "tls"
        make_ca(
            certs,
            {
                "postgresql": [f"DNS:{PG_HOST}"],
                "valkey": [f"DNS:{REDIS_HOST}"],
                "gateway": [f"DNS:{h}" for h in self.hostnames()] + ["IP:127.0.0.1"],
                LEGACY_HOST: [f"DNS:{LEGACY_HOST}"],
            },
        )
        self.ca = certs / "ca.crt"
        ca_text = self.ca.read_text()
        # cert-manager's part: the Certificates' Secrets, from this CA (certificates.py).
        authority = certificates.Authority.load(self.ca, certs / "ca.key")
        self.cert_manager = certificates.CertManager(self.manifests, authority, **self.tls_options)
        self.cert_manager.issue_all()
        self.store = Store(PG_HOST, REDIS_HOST, ca_text)
        init = self.workdir / "initdb"
        init.mkdir(exist_ok=True)
        (init / "10-rehearsal-roles.sql").write_text(self.store.init_sql(self.app_may_create))
        (certs / "pg_hba.conf").write_text(
            "local all all trust\nhostssl all all all scram-sha-256\n"
        )
        for path in [*init.iterdir(), certs / "pg_hba.conf"]:
            path.chmod(0o644)
        # The servers' keys must belong to them and be private: copied in at start.
        self.container(
            "postgresql", f"{self.standin_prefix}postgres:15-bookworm", "sh", "-c",
            "install -m 600 /tls/postgresql.key /tmp/server.key && "
            "exec docker-entrypoint.sh postgres -c ssl=on "
            "-c ssl_cert_file=/tls/postgresql.crt -c ssl_key_file=/tmp/server.key "
            "-c hba_file=/tls/pg_hba.conf -c log_connections=on -c max_connections=300",
            aliases=[PG_HOST],
            volumes=[f"{certs}:/tls:ro", f"{init}:/docker-entrypoint-initdb.d:ro"],
            env={"POSTGRES_PASSWORD": self.store.passwords["platform_migrate"]},
        )  # fmt: skip
        self.container(
            "valkey", f"{self.standin_prefix}redis:7.0-bookworm", "sh", "-c",
            "install -m 600 /tls/valkey.key /tmp/server.key && exec redis-server "
            "--port 0 --tls-port 6379 --tls-cert-file /tls/valkey.crt "
            "--tls-key-file /tmp/server.key --tls-ca-cert-file /tls/ca.crt "
            f"--tls-auth-clients no --requirepass {self.store.redis_password} "
            "--bind 0.0.0.0 --protected-mode no --dir /tmp",
            aliases=[REDIS_HOST],
            volumes=[f"{certs}:/tls:ro"],
        )  # fmt: skip
        collector_host = self.otlp_host()
        sink = REPO / "scripts" / "image" / "standins" / "sink.py"
        self.container(
            "sink", self.image, "python", "/sink.py", "--smtp-port", str(SINK_SMTP),
            "--http-port", str(SINK_HTTP), "--otlp-port", str(SINK_OTLP),
            aliases=[SINK_HOST, collector_host],
            volumes=[f"{sink}:/sink.py:ro"],
            publish=[f"127.0.0.1::{SINK_HTTP}"],
        )  # fmt: skip
        self.container(
            "legacy", self.image, "python", "-c", certificates.LEGACY_OVER_TLS,
            "--host", "0.0.0.0", "--port", str(LEGACY_PORT),  # noqa: S104 - in its container
            "--db", "/tmp/legacy.sqlite3",  # noqa: S108 - in its container
            aliases=[LEGACY_HOST],
            volumes=[f"{certs}:/tls:ro"],
        )  # fmt: skip
        pg = self.podman.name("postgresql")
        self.wait_for(
            "PostgreSQL",
            lambda: (
                self.podman(
                    "exec", pg, "pg_isready", "-q", "-h", "127.0.0.1", check=False
                ).returncode
                == 0
                and "database system is ready" in self.podman.tail(pg, 200)
            ),
            container=pg,
        )
        self.overrides = {
            "EMAIL_HOST": SINK_HOST,
            "EMAIL_PORT": str(SINK_SMTP),
            "EMAIL_USE_TLS": "false",
            # The stand-in relay takes mail without authentication (production's does).
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            # Over HTTPS, as production's legacy system (its certificate: the rehearsal CA).
            "LEGACY_BASE_URL": f"https://{LEGACY_HOST}:{LEGACY_PORT}",
        }
        log(
            "stand-ins up: PostgreSQL 15 (TLS, verify-full), Redis 7 (TLS only), SMTP and OTLP "
            "sink, legacy reference service; external endpoints replaced: "
            + ", ".join(f"{k}={v or '(empty)'}" for k, v in self.overrides.items())
        )

    def otlp_host(self) -> str:
        from urllib.parse import urlsplit

        common = self.manifests.of("ConfigMap")["platform-common"]["data"]
        return urlsplit(common["OTEL_EXPORTER_OTLP_ENDPOINT"]).hostname

    # -- the manifests, as podman plays them -------------------------------------------

    def secrets(self) -> dict[str, dict[str, str]]:
        if not hasattr(self, "_secrets"):
            self._secrets = secrets_for(self.manifests.of("ExternalSecret"), self.store)
            self._secrets.update(self.cert_manager.secrets)  # cert-manager's (certificates.py)
        return self._secrets

    def playable(self, workload: Workload) -> list[dict]:
        """A Pod (for a Job) or the Deployment/StatefulSet, renamed with the prefix, with
        what podman 4.3 cannot take as is rewritten to what the kubelet would produce:
        Secrets (env) as ConfigMaps of the same data, secret volumes as read-only
        directories of their files, emptyDirs as volumes private to this pod; the external
        endpoints the rehearsal replaces added to the ConfigMaps' values."""
        pod = copy.deepcopy(workload.pod)
        secrets = self.secrets()
        for container in pod["containers"]:
            # The overlay's registry tag, built here as the local image (never pulled).
            self.images[container["image"]] = self.image
            container["image"] = self.image
            container["imagePullPolicy"] = "Never"
            # podman 4.3 publishes every containerPort on the host (a Kubernetes port is a
            # declaration) and turns probes into healthchecks run with curl inside the
            # image: the rehearsal runs the declared probes itself, from outside.
            for key in ("ports", "startupProbe", "livenessProbe", "readinessProbe"):
                container.pop(key, None)
        docs: list[dict] = []
        used_maps = set()
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    name = source.pop("secretRef")["name"]
                    if name not in secrets:
                        raise RehearsalFailed(f"{workload.part}: Secret {name} is not delivered")
                    source["configMapRef"] = {"name": self.podman.name(f"{name}")}
                    data = dict(secrets[name])
                    data.update({k: v for k, v in self.overrides.items() if k in data})
                    docs.append(self._config_map(self.podman.name(name), data))
                elif "configMapRef" in source:
                    used_maps.add(source["configMapRef"]["name"])
        for name in used_maps:
            data = dict(self.manifests.of("ConfigMap")[name].get("data", {}))
            data.update({k: v for k, v in self.overrides.items() if k in data})
            docs.append(self._config_map(name, data))
        for volume in pod.get("volumes", []):
            original = volume["name"]
            if "secret" in volume:
                secret = volume["secret"]["secretName"]
                directory = self.workdir / "volumes" / workload.part / original
                # As the kubelet writes it, so a renewal replaces it in place.
                certificates.project(
                    directory, secrets[secret], volume["secret"].get("defaultMode", 0o644)
                )
                self.cert_manager.volumes.setdefault(secret, []).append(directory)
                volume.pop("secret")
                volume["hostPath"] = {"path": str(directory), "type": "Directory"}
            elif "emptyDir" in volume:
                volume["name"] = self.podman.name(f"{workload.part}-{original}")
                self.created["volume"].append(volume["name"])
                for container in pod["containers"]:
                    for mount in container.get("volumeMounts", []):
                        if mount["name"] == original:
                            mount["name"] = volume["name"]
        name = self.podman.name(workload.part)
        if workload.kind == "Job":
            doc = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": workload.labels},
                "spec": pod,
            }
        else:
            doc = {
                "apiVersion": "apps/v1",
                "kind": workload.kind,
                "metadata": {"name": name, "labels": workload.labels},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": workload.labels},
                    "template": {"metadata": {"labels": workload.labels}, "spec": pod},
                },
            }
        return [*docs, doc]

    @staticmethod
    def _config_map(name: str, data: dict) -> dict:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}

    def play(self, workload: Workload) -> tuple[str, str]:
        """kube play (not started), the Service aliases on the pod, then start it."""
        path = self.workdir / "play" / f"{workload.part}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump_all(self.playable(workload), sort_keys=False))
        self.podman(
            "kube", "play", "--start=false", "--network", self.podman.name("net"), str(path)
        )
        pod = self.podman.name(workload.part)
        if workload.kind != "Job":
            pod += "-pod-0"
        self.created["pod"].append(pod)
        info = json.loads(self.podman("pod", "inspect", pod).stdout)
        infra = info["InfraContainerID"]
        aliases = sorted({s.service for s in self.plan.services if workload.part in s.parts})
        if aliases:
            # A Service is a name for the pods it selects: here a network alias of the pod.
            net = self.podman.name("net")
            self.podman("network", "disconnect", net, infra)
            self.podman("network", "connect", *(f"--alias={a}" for a in aliases), net, infra)
        self.podman("pod", "start", pod)
        [container] = workload.pod["containers"][:1]
        name = f"{pod}-{container['name']}"
        self.ips[self.ip_of(name)] = workload.part
        return pod, name

    def run_hooks(self) -> None:
        for hook in self.plan.hooks:
            started = time.monotonic()
            _, container = self.play(hook)
            deadline = hook.pod.get("activeDeadlineSeconds", 900)
            self.wait_for(
                f"hook {hook.name}",
                lambda c=container: self.state(c) in ("exited", "stopped"),
                seconds=deadline,
                container=container,
            )
            code = json.loads(self.podman("inspect", container).stdout)[0]["State"]["ExitCode"]
            if code != 0:
                raise RehearsalFailed(
                    f"hook {hook.name} (Job, before the rollout) exited {code}\n--- {container} "
                    f"log tail ---\n{self.podman.tail(container)}"
                )
            log(f"hook {hook.name} (Job, sync wave before the rollout) succeeded in "
                f"{time.monotonic() - started:.0f}s")  # fmt: skip

    def state(self, container: str) -> str:
        return json.loads(self.podman("inspect", container).stdout)[0]["State"]["Status"]

    def rollout(self, parallel: int = 2) -> None:
        """Every Deployment and StatefulSet, each probed exactly as declared. A cluster
        starts them on several nodes at once; on one small machine at most ``parallel``
        pods are starting at a time, so a startup probe measures the pod, not the queue."""
        for workload in self.plan.workloads:
            while sum(1 for s in self.probes.values() if not s.started and not s.failures) >= (
                parallel
            ):
                self.check_probes(final=False)
                time.sleep(1)
            _, container = self.play(workload)
            state = ProbeState(container, workload.part, self.ip_of(container))
            self.probes[workload.part] = state
            spec = workload.pod["containers"][0]
            threading.Thread(
                target=run_probes,
                args=(state, workload.pod, spec, self.stop, self.timeout_scale),
                daemon=True,
            ).start()
            log(f"started {workload.kind} {workload.name} ({state.ip})")
        deadline = time.monotonic() + 600
        for state in self.probes.values():
            state.done.wait(max(1.0, deadline - time.monotonic()))
        self.check_probes(final=False)
        not_ready = [s.part for s in self.probes.values() if not s.was_ready]
        if not_ready:
            self.fail_probes(not_ready, "never became ready")
        log("every pod started (startupProbe) and is ready (readinessProbe)")

    def readiness_report(self) -> dict[str, int]:
        """Pods that left the endpoints after being ready (readiness failed failureThreshold
        times in a row), and how often: reported, as a cluster would route around them."""
        return {s.part: s.unready_spells for s in self.probes.values() if s.unready_spells}

    def check_probes(self, final: bool) -> None:
        failed = [s for s in self.probes.values() if s.failures]
        if failed:
            self.fail_probes([s.part for s in failed], "; ".join(
                f"{s.part}: {', '.join(s.failures)}" for s in failed))  # fmt: skip

    def fail_probes(self, parts: list[str], what: str) -> None:
        containers = [self.probes[p].container for p in parts]
        tails = "\n".join(f"--- {c} log tail ---\n{self.podman.tail(c)}" for c in containers)
        raise RehearsalFailed(f"probe failure ({', '.join(parts)}): {what}\n{tails}")

    def start_proxy(self) -> None:
        config = self.workdir / "nginx.conf"
        config.write_text(
            proxy.nginx_config(
                self.plan,
                resolver=self.gateway_ip,
                backend_tls=certificates.backend_tls(self.manifests),
            )
        )
        config.chmod(0o644)
        tls = self.workdir / "tls"
        name = self.container(
            "gateway-proxy", self.proxy_image,
            "nginx", "-c", "/etc/nginx/rehearsal.conf", "-g", "daemon off;",
            volumes=[f"{config}:/etc/nginx/rehearsal.conf:ro",
                     f"{tls}/gateway.crt:{proxy.CERT}:ro", f"{tls}/gateway.key:{proxy.KEY}:ro",
                     f"{self.ca}:{proxy.BACKEND_CA}:ro"],
            publish=[f"127.0.0.1::{proxy.HTTPS_PORT}", f"127.0.0.1::{proxy.HTTP_PORT}"],
        )  # fmt: skip
        self.ips[self.ip_of(name)] = "gateway-proxy"
        ports = json.loads(self.podman("inspect", name).stdout)[0]["NetworkSettings"]["Ports"]
        self.https_port = int(ports[f"{proxy.HTTPS_PORT}/tcp"][0]["HostPort"])
        self.http_port = int(ports[f"{proxy.HTTP_PORT}/tcp"][0]["HostPort"])
        sink_ports = json.loads(self.podman("inspect", self.podman.name("sink")).stdout)[0]
        self.sink_port = int(
            sink_ports["NetworkSettings"]["Ports"][f"{SINK_HTTP}/tcp"][0]["HostPort"]
        )
        self.base_url = f"https://127.0.0.1:{self.https_port}"
        self.wait_for("the gateway proxy", lambda: self.fetch("/health")[0] == 200, 60, name)
        log(f"public entry (Gateway listeners, generated nginx): {self.base_url} "
            f"(HTTP {self.http_port} redirects); {len(self.plan.routes)} route rules")  # fmt: skip

    def fetch(self, path: str, data=None, headers=None) -> tuple[int, bytes]:
        context = ssl.create_default_context(cafile=str(self.ca))
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    # -- after the rollout -------------------------------------------------------------

    def scrape(self) -> None:
        """Each ServiceMonitor endpoint once, from a peer playing Prometheus: with the
        bearer token its ``authorization`` names (from the Secret its ExternalSecret
        delivers) answered, without it refused (404)."""
        urls, parts = [], {}
        for monitor in self.manifests.of("ServiceMonitor").values():
            part = monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
            workload = next(w for w in self.plan.workloads if w.part == part)
            for endpoint in monitor["spec"]["endpoints"]:
                port = container_port(workload.pod, endpoint["port"])
                scheme = endpoint.get("scheme", "http")
                # https: verified as tlsConfig.serverName against the CA (certificates.py).
                server = endpoint.get("tlsConfig", {}).get("serverName", "")
                ref = endpoint.get("authorization", {}).get("credentials")
                if not ref:
                    raise RehearsalFailed(f"ServiceMonitor {part} sends no scrape token")
                token = self.secrets()[ref["name"]][ref["key"]]
                url = f"{scheme}://{self.probes[part].ip}:{port}{endpoint['path']}"
                urls.append(f"{url}|{server}|{token}")
                parts[url] = part
        name = self.podman.name("prometheus")
        self.created["container"].append(name)
        self.podman("create", "--name", name, "--network", self.podman.name("net"),
                    "-v", f"{self.ca}:/ca.crt:ro",
                    self.image, "python", "-c", certificates.SCRAPE, *urls)  # fmt: skip
        self.podman("start", name)
        self.ips[self.ip_of(name)] = "prometheus"
        result = self.podman("wait", name)
        if result.stdout.strip() != "0":
            output = self.podman("logs", name, check=False).stdout
            named = certificates.scrape_failures(output, parts)
            raise RehearsalFailed("\n".join(named) or f"/metrics scrape failed:\n{output}")
        https = sum(url.startswith("https://") for url in parts)
        log(f"scraped {len(urls)} ServiceMonitor endpoints (path, port and token as declared), "
            f"{https} of them over HTTPS verified against the internal CA")  # fmt: skip

    def operator_steps(self) -> tuple[str, str]:
        """What an operator does once with kubectl exec in the admin pod (SERVICE=all):
        the demo data (competency framework, spaces) and an LMS's xAPI credentials."""
        admin = self.probes["admin"].container
        demo = self.podman("exec", admin, "python", "manage.py", "load_demo", timeout=900)
        (self.workdir / "load_demo.log").write_text(demo.stdout + demo.stderr)
        created = self.podman(
            "exec", admin, "python", "manage.py", "lrs_client", "create", "rehearsal-lms"
        ).stdout
        key = re.search(r"^key: *(\S+)", created, re.MULTILINE)
        secret = re.search(r"^secret: *(\S+)", created, re.MULTILINE)
        if not (key and secret):
            raise RehearsalFailed(f"lrs_client create printed no credentials:\n{created}")
        log("operator steps in the admin pod: load_demo, lrs_client create")
        return key.group(1), secret.group(1)

    def run_journey(self) -> dict:
        """scripts/smoke_journey.py through the public entry (HTTPS, the rehearsal CA)."""
        script = REPO / "scripts" / "smoke_journey.py"
        if not script.is_file():
            return {"ok": False, "error": "scripts/smoke_journey.py is missing"}
        key, secret = self.operator_steps()
        web = [w.part for w in self.plan.workloads if "command" not in w.pod["containers"][0]]
        https = certificates.https_ports(self.manifests, self.plan)
        self.forwarder = certificates.Forwarder(self.ca)
        metrics = [
            self.forwarder.url(self.probes[w.part].ip, *https[w.part], "/metrics")
            if w.part in https
            else f"http://{self.probes[w.part].ip}:"
            f"{container_port(w.pod, w.pod['containers'][0]['ports'][0]['name'])}/metrics"
            for w in sorted(self.plan.workloads, key=lambda w: w.part not in web)
        ]
        args = [
            "python3", str(script), "--base-url", self.base_url,
            "--mail-url", f"http://127.0.0.1:{self.sink_port}",
            "--metrics-urls", ",".join(metrics),
            "--otlp-receiver", f"http://127.0.0.1:{self.sink_port}",
            "--timeout", "300", *self.journey_args,
        ]  # fmt: skip
        log(f"smoke journey against {self.base_url} ({len(metrics)} /metrics endpoints)")
        env = {
            **os.environ, "SSL_CERT_FILE": str(self.ca), "NO_PROXY": "*",
            # Secrets by environment, not argv: off `ps`, and a generated token that
            # begins with '-' would be taken for an option.
            "SMOKE_LRS_CREDENTIALS": f"{key}:{secret}",
            "SMOKE_METRICS_TOKEN": self.store.data["platform/metrics"]["token"],
        }  # fmt: skip
        result = subprocess.run(  # noqa: S603
            args, env=env, capture_output=True, text=True, timeout=1800, check=False
        )
        print(result.stdout, result.stderr[-3000:], flush=True)
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        summary = json.loads(lines[-1]) if lines else {"ok": False, "error": result.stderr[-500:]}
        summary["ok"] = bool(summary.get("ok")) and result.returncode == 0
        return summary

    def errors(self, lines: int = 400) -> str:
        """The errors the pods logged (JSON log lines at ERROR, tracebacks), per pod."""
        found = []
        for state in self.probes.values():
            text = self.podman.tail(state.container, lines)
            picked = [
                line
                for line in text.splitlines()
                if '"level": "ERROR"' in line or "Error" in line or "Traceback" in line
            ][-12:]
            if picked:
                found.append(f"--- {state.container} ---\n" + "\n".join(picked))
        return "\n".join(found)

    # -- connections ---------------------------------------------------------------------

    def connections(self) -> list[tuple[str, str, int]]:
        """(source, destination, port) of every TCP connection opened on the network."""
        self.tcpdump.terminate()
        self.tcpdump.wait(10)
        seen = set()
        pattern = re.compile(r"IP (\d+\.\d+\.\d+\.\d+)\.\d+ > (\d+\.\d+\.\d+\.\d+)\.(\d+):")
        for line in self.capture_file.read_text().splitlines():
            match = pattern.search(line)
            if not match:
                continue
            src, dst, port = match.group(1), match.group(2), int(match.group(3))
            src_name = self.ips.get(src, "kubelet" if src == self.gateway_ip else src)
            dst_name = self.ips.get(dst, "host" if dst == self.gateway_ip else dst)
            seen.add((src_name, dst_name, port))
        return sorted(seen)

    def database_sessions(self) -> list[tuple[str, str, str, bool]]:
        """(client part, role, database, TLS?) of every authorised PostgreSQL session."""
        text = self.podman.tail(self.podman.name("postgresql"), 100000)
        sessions, hosts = [], {}
        for line in text.splitlines():
            pid = re.search(r"\[(\d+)\]", line)
            received = re.search(r"connection received: host=([\d.]+)", line)
            if received and pid:
                hosts[pid.group(1)] = received.group(1)
            authorized = re.search(r"connection authorized: user=(\S+) database=(\S+)(.*)", line)
            if authorized and pid:
                host = hosts.get(pid.group(1), "?")
                sessions.append(
                    (
                        self.ips.get(host, host),
                        authorized.group(1),
                        authorized.group(2),
                        "SSL enabled" in authorized.group(3),
                    )
                )
        return sessions

    # -- teardown ------------------------------------------------------------------------

    def teardown(self) -> None:
        self.stop.set()
        if getattr(self, "forwarder", None):
            self.forwarder.close()
        if getattr(self, "tcpdump", None) and self.tcpdump.poll() is None:
            self.tcpdump.terminate()
        if self.keep:
            log(f"kept (--keep): {json.dumps(self.created)}")
            return
        # One call per kind, by name: only what this run created.
        if self.created["pod"]:
            self.podman("pod", "rm", "-f", "--ignore", "-t", "5", *self.created["pod"], check=False)
        if self.created["container"]:
            self.podman("rm", "-f", "--ignore", "-t", "5", *self.created["container"], check=False)
        for volume in self.created["volume"]:
            self.podman("volume", "rm", "-f", volume, check=False)
        for network in self.created["network"]:
            self.podman("network", "rm", "-f", network, check=False)
        shutil.rmtree(self.workdir / "volumes", ignore_errors=True)
        log("removed every pod, container, volume and network the rehearsal created")
