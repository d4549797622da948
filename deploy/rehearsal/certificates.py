"""TLS between parts in the rehearsal: cert-manager's part, and the checks that every call
from one part to another is HTTPS, verified by the caller.

- :class:`CertManager` plays cert-manager with the rehearsal's CA: for every Certificate
  the manifests declare it writes the Secret cert-manager would (``tls.crt``, ``tls.key``,
  ``ca.crt``), with the declared DNS names and duration; the CA Certificate's Secret is
  the rehearsal CA itself. ``another_ca`` issues one Service's certificate from a CA
  nobody trusts (the break test); ``short_lived`` gives some a short certificate, which
  :meth:`CertManager.renew` replaces mid-run (a web part's and a worker's, by default).
- :func:`project` writes a Secret volume as the kubelet does (files behind a ``..data``
  symlink swapped in one rename), so a renewal reaches a running pod without a restart,
  never half-written.
- :func:`check_static`: before anything starts, every internal URL must be ``https://``,
  every called Service must have a Certificate for its name, mounted where gunicorn
  serves it, probes must use HTTPS, every public backend a BackendTLSPolicy, and
  ``INTERNAL_TLS_REQUIRED`` must be on. Prometheus is a caller too: every ServiceMonitor
  endpoint (the scrape token goes with it) must be HTTPS verified against the internal
  CA as a name of the scraped part's Certificate, which the part serves (a worker's
  ``METRICS_CERT_FILE``, gunicorn's ``--certfile``).
- :func:`CALLER_CHECK`, run in each calling pod after the rollout: the app's own client
  context (``common.tls.client_context``, the JWKS fetcher) against each Service it calls;
  a refused certificate fails the run naming caller and callee.
- :class:`PlaintextWatch`: tcpdump on the network for HTTP request lines in clear text
  to a part (or between parts): any is a failure naming both ends.
"""

from __future__ import annotations

import datetime
import http.client
import http.server
import os
import re
import shlex
import socket
import ssl
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from deploy.rehearsal.manifests import Manifests, Workload
from deploy.rehearsal.plan import Plan

# --- issuing ------------------------------------------------------------------------------


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def parse_duration(text: str) -> datetime.timedelta:
    """cert-manager's Go durations (``24h``, ``1h30m``, ``90s``)."""
    units = {"h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)([hms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration cert-manager reads: {text!r}")
    return datetime.timedelta(seconds=sum(int(n) * units[u] for n, u in parts))


@dataclass
class Authority:
    """A CA: the rehearsal's own (loaded from make_ca's files) or a stranger made here."""

    cert: x509.Certificate
    key: object

    @classmethod
    def load(cls, crt: Path, key: Path) -> Authority:
        return cls(
            x509.load_pem_x509_certificate(crt.read_bytes()),
            serialization.load_pem_private_key(key.read_bytes(), password=None),
        )

    @classmethod
    def make(cls, name: str) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def issue(
        self, names: list[str], lifetime: datetime.timedelta
    ) -> tuple[dict, x509.Certificate]:
        """A server certificate for ``names``, as cert-manager's CA issuer writes it."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + lifetime)
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        files = {
            "tls.crt": cert.public_bytes(serialization.Encoding.PEM).decode(),
            "tls.key": _pem(key).decode(),
            "ca.crt": self.pem(),
        }
        return files, cert


@dataclass
class CertManager:
    """cert-manager's Secrets for the manifests' Certificates, from the rehearsal CA."""

    manifests: Manifests
    ca: Authority
    another_ca: str = ""  # a Service whose certificate a stranger CA signs (break test)
    short_lived: tuple[str, ...] = ()  # Services whose certificates are renewed mid-run
    # cert-manager's shortest duration (1 h): on a loaded machine the rollout alone can
    # outlast minutes, and an expired certificate is refused before it can be renewed.
    short_lifetime: datetime.timedelta = datetime.timedelta(hours=1)
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    issued: dict[str, x509.Certificate] = field(default_factory=dict)
    volumes: dict[str, list[Path]] = field(default_factory=dict)  # Secret -> projected dirs

    def issue_all(self) -> dict[str, dict[str, str]]:
        stranger = Authority.make("a CA nobody in the cluster trusts") if self.another_ca else None
        for doc in self.manifests.of("Certificate").values():
            spec = doc["spec"]
            if spec.get("isCA"):
                key = _pem(self.ca.key).decode()
                self.secrets[spec["secretName"]] = {
                    "tls.crt": self.ca.pem(), "tls.key": key, "ca.crt": self.ca.pem()
                }  # fmt: skip
                continue
            service = spec["dnsNames"][0]
            lifetime = parse_duration(spec.get("duration", "2160h"))
            if service in self.short_lived:
                lifetime = self.short_lifetime
            authority = stranger if service == self.another_ca else self.ca
            self.secrets[spec["secretName"]], self.issued[service] = authority.issue(
                spec["dnsNames"], lifetime
            )
        if self.another_ca and self.another_ca not in self.issued:
            raise ValueError(f"no Certificate names the Service {self.another_ca!r}")
        return self.secrets

    def renew(self, service: str) -> x509.Certificate:
        """What cert-manager does at renewBefore: a new key and certificate into the same
        Secret; the kubelet then swaps every mounted copy in place."""
        [(secret, spec)] = [
            (d["spec"]["secretName"], d["spec"])
            for d in self.manifests.of("Certificate").values()
            if not d["spec"].get("isCA") and d["spec"]["dnsNames"][0] == service
        ]
        files, cert = self.ca.issue(spec["dnsNames"], parse_duration(spec.get("duration", "24h")))
        self.secrets[secret] = files
        for directory in self.volumes.get(secret, []):
            project(directory, files, 0o444)
        self.issued[service] = cert
        return cert


def project(directory: Path, files: dict[str, str], mode: int) -> None:
    """A Secret volume as the kubelet writes it: the files in a timestamped folder,
    ``..data`` pointing at it (replaced by one rename), each key a symlink through
    ``..data``. A reader sees the old set or the new one, never a new key with an old
    certificate. Modes: the rehearsal applies no fsGroup, so files stay world-readable."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = f"..{time.strftime('%Y_%m_%d_%H_%M_%S')}.{time.monotonic_ns()}"
    (directory / stamp).mkdir()
    for key, value in files.items():
        (directory / stamp / key).write_text(value)
        (directory / stamp / key).chmod(mode | 0o444)
    (directory / stamp).chmod(0o755)
    (directory / "..data_tmp").unlink(missing_ok=True)
    (directory / "..data_tmp").symlink_to(stamp)
    os.replace(directory / "..data_tmp", directory / "..data")
    for key in files:
        if not (directory / key).is_symlink():
            (directory / key).symlink_to(f"..data/{key}")
    for old in directory.glob("..20*"):
        if old.name != stamp:
            for path in old.iterdir():
                path.unlink()
            old.rmdir()


# --- the configuration, before anything starts ----------------------------------------------


def _urls(env: dict) -> list[tuple[str, str]]:
    """(variable, URL) of every call this configuration makes to another part."""
    found = [(k, env[k]) for k in ("AUTH_JWKS_URL", "LEGACY_BASE_URL") if env.get(k)]
    for pair in filter(None, env.get("GATEWAY_NEW_BASE_URLS", "").split(",")):
        domain, url = pair.strip().split("=", 1)
        found.append((f"GATEWAY_NEW_BASE_URLS[{domain}]", url.strip()))
    return found


def internal_calls(manifests: Manifests, plan: Plan) -> list[tuple[Workload, str, str, str]]:
    """(caller, variable, URL, Service) of every call to a Service of the namespace that
    a caller actually makes (the JWKS only by web parts that verify tokens)."""
    from deploy.rehearsal.checks import verifies_tokens

    calls = []
    for workload in plan.workloads:
        env = manifests.config_env(workload.pod["containers"][0])
        for variable, url in _urls(env):
            if variable == "AUTH_JWKS_URL" and not verifies_tokens(workload, env):
                continue
            if variable == "LEGACY_BASE_URL" and workload.part != "gateway":
                continue
            host = (urlsplit(url).hostname or "").split(".")[0]
            if any(s.service == host for s in plan.services):
                calls.append((workload, variable, url, host))
    return calls


def _certificates(manifests: Manifests) -> dict[str, dict]:
    """Service name -> its Certificate's spec (first DNS name)."""
    return {
        d["spec"]["dnsNames"][0]: d["spec"]
        for d in manifests.of("Certificate").values()
        if not d["spec"].get("isCA") and d["spec"].get("dnsNames")
    }


def _serves_tls(manifests: Manifests, workload: Workload, secret: str) -> str:
    """Why this pod does not serve the Secret's certificate over HTTPS, or "": a web
    part's gunicorn (``--certfile``), a worker's metrics server (``METRICS_CERT_FILE``)."""
    pod = workload.pod
    [app] = pod["containers"][:1]
    volumes = [
        v["name"] for v in pod.get("volumes", []) if v.get("secret", {}).get("secretName") == secret
    ]
    mounts = [m["mountPath"] for m in app.get("volumeMounts", []) if m["name"] in volumes]
    if not mounts:
        return f"the Secret {secret} is not mounted"
    env = manifests.config_env(app)
    env.update({e["name"]: e.get("value", "") for e in app.get("env", [])})
    if "command" in app:  # a worker: its health and metrics server
        served = (env.get("METRICS_CERT_FILE", ""), env.get("METRICS_KEY_FILE", ""))
        what = "its metrics server serves no certificate from the mounted {} (METRICS_CERT_FILE)"
    else:
        args = shlex.split(env.get("GUNICORN_CMD_ARGS", ""))
        served = tuple(
            args[args.index(flag) + 1] if flag in args[:-1] else ""
            for flag in ("--certfile", "--keyfile")
        )
        what = "gunicorn serves no certificate from the mounted {} (GUNICORN_CMD_ARGS)"
    if not any(served == (f"{m.rstrip('/')}/tls.crt", f"{m.rstrip('/')}/tls.key") for m in mounts):
        return what.format(secret)
    return ""


def _https_probes(workload: Workload) -> list[str]:
    return [
        f"[tls] {workload.part}: {kind} is plain HTTP to an HTTPS port"
        for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        if (get := workload.pod["containers"][0].get(kind, {}).get("httpGet", {}))
        and get.get("scheme", "HTTP") != "HTTPS"
    ]


def check_scrapes(manifests: Manifests, plan: Plan, checked: dict[str, str]) -> list[str]:
    """Prometheus's side: every ServiceMonitor endpoint over HTTPS, verified against the
    internal CA as a name of a Certificate the scraped part serves (``checked``: part ->
    the Secret whose serving is already checked, as a called Service)."""
    specs = [d["spec"] for d in manifests.of("Certificate").values() if not d["spec"].get("isCA")]
    issued = {d["spec"]["secretName"] for d in manifests.of("Certificate").values()}
    failures = []
    for monitor in manifests.of("ServiceMonitor").values():
        part = monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        workload = next(w for w in plan.workloads if w.part == part)
        for endpoint in monitor["spec"]["endpoints"]:
            tls = endpoint.get("tlsConfig", {})
            ca = tls.get("ca", {}).get("secret", {})
            name = tls.get("serverName", "")
            named = [spec for spec in specs if name in spec.get("dnsNames", [])]
            if endpoint.get("scheme", "http") != "https":
                why = "over plain HTTP"
            elif tls.get("insecureSkipVerify") or (ca.get("name"), ca.get("key")) not in {
                (secret, "ca.crt") for secret in issued
            }:
                why = "without verifying it against the internal CA (tlsConfig.ca)"
            elif not named:
                why = f"verifying it as {name!r}, which no Certificate names"
            else:
                why = ""
            if why:
                failures.append(f"[tls] {part}: Prometheus scrapes it (with the token) {why}")
                continue
            secret = named[0]["secretName"]
            if checked.get(part) != secret:
                checked[part] = secret
                serving = _serves_tls(manifests, workload, secret)
                if serving:
                    failures.append(f"[tls] {part}: scraped over HTTPS as {name}, but {serving}")
                failures += _https_probes(workload)
    return failures


def check_static(manifests: Manifests, plan: Plan) -> list[str]:
    failures = []
    certs = _certificates(manifests)
    for workload in [*plan.hooks, *plan.workloads]:
        env = manifests.config_env(workload.pod["containers"][0])
        if env.get("INTERNAL_TLS_REQUIRED", "").lower() != "true":
            failures.append(f"[tls] {workload.part}: INTERNAL_TLS_REQUIRED is not true")
    called: dict[str, set[str]] = {}
    for workload, variable, url, service in internal_calls(manifests, plan):
        called.setdefault(service, set()).add(workload.part)
        if urlsplit(url).scheme != "https":
            failures.append(
                f"[tls] {workload.part}: {variable}={url} calls {service} over plain HTTP"
            )
        app_env = manifests.config_env(workload.pod["containers"][0])
        app_env.update(
            {e["name"]: e.get("value", "") for e in workload.pod["containers"][0].get("env", [])}
        )
        if not app_env.get("INTERNAL_CA_FILE"):
            failures.append(
                f"[tls] {workload.part}: calls {service} without INTERNAL_CA_FILE (cannot verify)"
            )
    policies = {
        ref["name"]: doc["spec"]["validation"]
        for doc in manifests.of("BackendTLSPolicy").values()
        for ref in doc["spec"]["targetRefs"]
        if ref.get("kind") == "Service"
    }
    for route in plan.routes:
        if route.service:
            called.setdefault(route.service, set()).add("the Gateway")
            check = policies.get(route.service)
            if check is None:
                failures.append(
                    f"[tls] the Gateway: no BackendTLSPolicy verifies {route.service} "
                    f"(route {route.path})"
                )
            elif (
                route.service in certs and check["hostname"] not in certs[route.service]["dnsNames"]
            ):
                failures.append(
                    f"[tls] the Gateway: BackendTLSPolicy {route.service} verifies "
                    f"{check['hostname']}, which its certificate does not name"
                )
    checked: dict[str, str] = {}  # part -> the Secret whose serving and probes are checked
    for service, callers in sorted(called.items()):
        who = ", ".join(sorted(callers))
        spec = certs.get(service)
        if spec is None:
            failures.append(f"[tls] {service}: called by {who}, but no Certificate names it")
            continue
        for entry in (s for s in plan.services if s.service == service):
            for part in entry.parts:
                workload = next(w for w in plan.workloads if w.part == part)
                checked[part] = spec["secretName"]
                why = _serves_tls(manifests, workload, spec["secretName"])
                if why:
                    failures.append(f"[tls] {part}: called by {who} over HTTPS, but {why}")
                failures += _https_probes(workload)
    return failures + check_scrapes(manifests, plan, checked)


# --- the running pods ---------------------------------------------------------------------

# Run in a calling pod with the app's own code: the JWKS fetch as the token check does it,
# a TLS handshake with the context of the gateway's and legacy client for the others.
CALLER_CHECK = """
import os, socket, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from urllib.parse import urlsplit
from common.auth.jwks import http_fetcher
from common.tls import client_context
bad = []
for url in sys.argv[1:]:
    parts = urlsplit(url)
    try:
        if parts.path.endswith("jwks.json"):
            http_fetcher(url, timeout=10)()
        else:
            with socket.create_connection((parts.hostname, parts.port or 443), timeout=10) as s:
                client_context().wrap_socket(s, server_hostname=parts.hostname).close()
        print("ok", url)
    except Exception as exc:
        bad.append(url)
        print("refused", url, type(exc).__name__, str(exc)[:300])
sys.exit(1 if bad else 0)
"""


def check_callers(
    podman, manifests: Manifests, plan: Plan, containers: dict[str, str]
) -> list[str]:
    """Every internal call made once from its caller's pod, as the app makes it (the
    pods at once: each check starts Django in its pod, slow on a loaded machine)."""
    by_caller: dict[str, list[tuple[str, str, str]]] = {}
    for workload, variable, url, service in internal_calls(manifests, plan):
        by_caller.setdefault(workload.part, []).append((variable, url, service))

    def run(part: str):
        return podman(
            "exec", containers[part], "python", "-c", CALLER_CHECK,
            *(u for _, u, _ in by_caller[part]), check=False, timeout=300,
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=len(by_caller) or 1) as pool:
        results = dict(zip(by_caller, pool.map(run, by_caller), strict=True))
    failures = []
    for part, calls in sorted(by_caller.items()):
        result = results[part]
        outcome = {
            line.split()[1]: line
            for line in result.stdout.splitlines()
            if line.split()[:1] in (["ok"], ["refused"])
        }
        for variable, url, service in calls:
            line = outcome.get(url, f"refused {url} (no answer) {result.stderr.strip()[-300:]}")
            if not line.startswith("ok"):
                failures.append(
                    f"[tls] {part} -> {service} ({variable}={url}): the caller refused: "
                    + line.split(" ", 2)[-1]
                )
    return failures


class NamedTLS(http.client.HTTPSConnection):
    """A connection to an address (a pod IP) whose certificate is verified as ``name``:
    what Prometheus's ``tlsConfig.serverName`` and Envoy's ``hostname`` do."""

    def __init__(self, address: str, port: int, name: str, context: ssl.SSLContext, timeout=30):
        super().__init__(address, port, context=context, timeout=timeout)
        self.verified_name = name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.verified_name)


def served_certificate(address: str, port: int, name: str, ca: Path) -> x509.Certificate:
    """The certificate a new connection is served, verified against ``ca`` as ``name``."""
    context = ssl.create_default_context(cafile=str(ca))
    with (
        socket.create_connection((address, port), timeout=15) as raw,
        context.wrap_socket(raw, server_hostname=name) as tls,
    ):
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


class Forwarder:
    """A plain-HTTP door on 127.0.0.1 to pods' HTTPS ports, verifying each as its Service
    name against the CA (Prometheus's view): the smoke journey on the host reads the web
    parts' /metrics through it; pod IPs are not names their certificates carry."""

    def __init__(self, ca: Path) -> None:
        self.context = ssl.create_default_context(cafile=str(ca))
        self.targets: dict[str, tuple[str, int, str]] = {}
        forwarder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _forward(self):
                prefix, _, rest = self.path.lstrip("/").partition("/")
                address, port, name = forwarder.targets[prefix]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                connection = NamedTLS(address, port, name, forwarder.context)
                # The caller's credentials and body type pass through (the scrape token).
                headers = {"Host": f"{address}:{port}"}
                for header in ("Authorization", "Content-Type"):
                    if self.headers.get(header):
                        headers[header] = self.headers[header]
                try:
                    connection.request(self.command, "/" + rest, body=body or None, headers=headers)
                    answer = connection.getresponse()
                    data = answer.read()
                finally:
                    connection.close()
                self.send_response(answer.status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_OPTIONS = do_HEAD = _forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, address: str, port: int, name: str, path: str) -> str:
        prefix = f"t{len(self.targets)}"
        self.targets[prefix] = (address, port, name)
        return f"http://127.0.0.1:{self.server.server_address[1]}/{prefix}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def https_ports(manifests: Manifests, plan: Plan) -> dict[str, tuple[int, str]]:
    """Part -> (container port, name it is verified as) for every part serving HTTPS."""
    certs = _certificates(manifests)
    found = {}
    for entry in plan.services:
        if entry.service in certs:
            for part in entry.parts:
                found[part] = (entry.target_port, entry.service)
    return found


def backend_tls(manifests: Manifests) -> dict[str, str]:
    """Service -> the hostname its BackendTLSPolicy verifies (the Gateway's part)."""
    return {
        ref["name"]: doc["spec"]["validation"]["hostname"]
        for doc in manifests.of("BackendTLSPolicy").values()
        for ref in doc["spec"]["targetRefs"]
        if ref.get("kind") == "Service"
    }


# The legacy reference service over HTTPS (production's legacy system is HTTPS): its own
# server, the listening socket wrapped with the rehearsal CA's certificate for "legacy".
LEGACY_OVER_TLS = """
import ssl, sys
from legacy_adapter.reference_service import __main__ as service
plain = service.make_server
def make_server(*args, **kwargs):
    server = plain(*args, **kwargs)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain("/tls/legacy.crt", "/tls/legacy.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server
service.make_server = make_server
service.main(sys.argv[1:])
"""

# Prometheus's scrape of each ServiceMonitor endpoint ("URL|serverName"): https ones
# verified against the CA as tlsConfig.serverName, at the pod's address.
SCRAPE = r"""
import os, socket, ssl, sys
from urllib.parse import urlsplit
def get(parts, name, token):
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=os.environ.get("SCRAPE_CA", "/ca.crt"))
        sock = context.wrap_socket(sock, server_hostname=name)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    sock.sendall(f"GET {parts.path} HTTP/1.0\r\nHost: {parts.netloc}\r\n{auth}\r\n".encode())
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    return answer.split(b"\r\n", 1)[0]
bad = []
for entry in sys.argv[1:]:
    url, _, rest = entry.partition("|")
    name, _, token = rest.partition("|")
    parts = urlsplit(url)
    try:
        if token and b" 404 " not in (status := get(parts, name, "")):
            bad.append(f"{url}: {status!r} without the token (404 expected)")
        status = get(parts, name, token)
        if b" 200 " not in status:
            bad.append(f"{url}: {status!r}")
    except Exception as exc:
        bad.append(f"{url}: {type(exc).__name__}: {exc}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
"""


def scrape_failures(output: str, parts: dict[str, str]) -> list[str]:
    """SCRAPE's complaints (``URL: why``) naming the part scraped at each URL: a worker
    serving plain HTTP, or a certificate from another CA, is refused here by name."""
    found = []
    for line in output.splitlines():
        url, _, why = line.partition(": ")
        if url in parts:
            found.append(f"[tls] prometheus -> {parts[url]} ({url}): the scrape failed: {why}")
    return found


# --- plain text on the wire -----------------------------------------------------------------

# The first four payload bytes of an HTTP/1 request: GET, POST, PUT, HEAD, DELETE, PATCH,
# OPTIONS. Anything in clear text that starts so is an HTTP request nobody encrypted.
_METHODS = (0x47455420, 0x504F5354, 0x50555420, 0x48454144, 0x44454C45, 0x50415443, 0x4F505449)
PLAINTEXT_FILTER = (
    "tcp and ("
    + " or ".join(f"tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x{m:08x}" for m in _METHODS)
    + ")"
)
_LINE = re.compile(r"IP (\d+\.\d+\.\d+\.\d+)\.\d+ > (\d+\.\d+\.\d+\.\d+)\.(\d+):")


def plaintext_failures(lines, names: dict[str, str], parts: set[str], https: set[str]) -> list[str]:
    """Plain HTTP requests seen: to a part that serves HTTPS (every web part and every
    worker's metrics port: whoever sends one, Prometheus included), to the legacy system,
    or between two parts, are failures (traces to the Collector are not a part's API)."""
    found = set()
    for line in lines:
        match = _LINE.search(line)
        if not match:
            continue
        src, dst = (names.get(ip, ip) for ip in match.group(1, 2))
        port = int(match.group(3))
        if dst in https or dst == "legacy" or (src in parts and dst in parts):
            found.add(f"[plaintext] {src} -> {dst}:{port}: an HTTP request in clear text")
    return sorted(found)


@dataclass
class PlaintextWatch:
    bridge: str
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - tcpdump, arguments built here
            ["tcpdump", "-i", self.bridge, "-nn", "-l", "-q", PLAINTEXT_FILTER],  # noqa: S607
            stdout=self.log.open("w"),
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> list[str]:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        return self.log.read_text().splitlines() if self.log.exists() else []


def rotation_ok(before: dict, after: dict) -> bool:
    return (
        after["serial"] != before["serial"]
        and after["restarts"] == before["restarts"]
        and after["started_at"] == before["started_at"]
        and after["running"]
    )


# --- the steps the rehearsal runs (deploy/rehearsal/__main__.py) ----------------------------


def verify_callers(rehearsal) -> None:
    """After the rollout: every caller reaches every Service it calls over verified TLS,
    with the app's own client; a refusal stops the run naming both."""
    from deploy.rehearsal.runner import RehearsalFailed, log

    containers = {part: state.container for part, state in rehearsal.probes.items()}
    failures = check_callers(rehearsal.podman, rehearsal.manifests, rehearsal.plan, containers)
    if failures:
        raise RehearsalFailed("\n".join(failures))
    calls = internal_calls(rehearsal.manifests, rehearsal.plan)
    log(f"TLS between parts: {len(calls)} internal calls made from their callers' pods with "
        "the app's client context, every certificate verified against the internal CA")  # fmt: skip


def _container_state(podman, container: str) -> dict:
    import json

    info = json.loads(podman("inspect", container).stdout)[0]
    return {
        "restarts": info.get("RestartCount", 0),
        "started_at": info["State"]["StartedAt"],
        "running": info["State"]["Status"] == "running",
    }


def rotate(rehearsal, service: str, wait_seconds: float = 60) -> dict:
    """Renew ``service``'s short-lived certificate as cert-manager would, mid-run, and show
    that new connections get it with the container untouched (no restart)."""
    from deploy.rehearsal.runner import RehearsalFailed, log

    https = https_ports(rehearsal.manifests, rehearsal.plan)
    [part] = [p for p, (_, name) in https.items() if name == service]
    state = rehearsal.probes[part]
    port = https[part][0]
    before_cert = served_certificate(state.ip, port, service, rehearsal.ca)
    before = {**_container_state(rehearsal.podman, state.container),
              "serial": before_cert.serial_number}  # fmt: skip
    renewed = rehearsal.cert_manager.renew(service)
    deadline = time.monotonic() + wait_seconds
    served = before_cert
    while time.monotonic() < deadline:
        served = served_certificate(state.ip, port, service, rehearsal.ca)
        if served.serial_number == renewed.serial_number:
            break
        time.sleep(1)
    after = {**_container_state(rehearsal.podman, state.container), "serial": served.serial_number}
    report = {
        "service": service,
        "old_not_after": before_cert.not_valid_after_utc.isoformat(),
        "new_not_after": served.not_valid_after_utc.isoformat(),
        "served_new_certificate": served.serial_number == renewed.serial_number,
        "restarts": after["restarts"] - before["restarts"],
        "same_container_start": after["started_at"] == before["started_at"],
    }
    if not rotation_ok(before, after) or served.serial_number != renewed.serial_number:
        raise RehearsalFailed(f"[rotation] {service}: the renewed certificate was not served "
                              f"without a restart: {report}")  # fmt: skip
    log(f"rotation: {service}'s certificate (valid until {report['old_not_after']}) renewed "
        f"in its mounted Secret; new connections get the new one (until "
        f"{report['new_not_after']}); restarts 0, same container")  # fmt: skip
    return report
