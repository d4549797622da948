"""TLS between parts in the rehearsal (deploy/rehearsal/certificates.py): the static check
names each kind of plain or unverifiable hop in the rendered dev overlay, Prometheus's
scrapes of the workers included; the rehearsal's cert-manager issues what the
Certificates declare; a renewal is swapped in as the kubelet does; a caller's own client
and the scrape refuse a certificate from another CA; plain HTTP on the wire is named.
The running rehearsal's own break tests are in test_rehearsal_run.py."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509

from deploy.rehearsal import certificates, plan
from deploy.rehearsal.manifests import Manifests
from tests.https_stub import https_stub
from tests.infra.tools import REPO_ROOT, kustomize_build
from tests.processes import clean_environment

DEV = REPO_ROOT / "deploy" / "k8s" / "overlays" / "dev"
WEB = ("gateway", "admin", "identity", "learning", "reputation", "passport", "governance",
       "marketplace")  # fmt: skip
WORKERS = ("relay", "consumer-governance", "consumer-passport", "consumer-reputation",
           "projections", "celery-worker", "celery-beat")  # fmt: skip


@pytest.fixture(scope="module")
def rendered() -> str:
    return kustomize_build(DEV)


@pytest.fixture
def manifests(rendered) -> Manifests:
    return Manifests.parse(rendered)


def tls_failures(manifests: Manifests) -> list[str]:
    return certificates.check_static(manifests, plan.build(manifests))


def app(manifests: Manifests, name: str) -> dict:
    return manifests.of("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]


def test_the_dev_overlay_sends_every_internal_call_over_verified_tls(manifests):
    assert tls_failures(manifests) == []
    calls = certificates.internal_calls(manifests, plan.build(manifests))
    # The gateway to each domain, each domain but identity to identity's JWKS.
    assert {(w.part, service) for w, _, _, service in calls} == {
        *(("gateway", d) for d in WEB[2:]),
        *((d, "identity") for d in WEB[3:]),
    }


def test_a_plain_http_url_to_a_domain_is_named(manifests):
    data = manifests.of("ConfigMap")["gateway-config"]["data"]
    data["GATEWAY_NEW_BASE_URLS"] = data["GATEWAY_NEW_BASE_URLS"].replace(
        "https://learning", "http://learning"
    )
    assert tls_failures(manifests) == [
        "[tls] gateway: GATEWAY_NEW_BASE_URLS[learning]=http://learning:8000 calls learning "
        "over plain HTTP"
    ]


def test_a_plain_jwks_url_is_named(manifests):
    data = manifests.of("ConfigMap")["passport-config"]["data"]
    data["AUTH_JWKS_URL"] = "http://identity:8000/.well-known/jwks.json"
    assert tls_failures(manifests) == [
        "[tls] passport: AUTH_JWKS_URL=http://identity:8000/.well-known/jwks.json calls "
        "identity over plain HTTP"
    ]


def test_a_called_service_without_a_certificate_is_named(manifests):
    del manifests.of("Certificate")["identity-tls"]
    [failure, scrape] = tls_failures(manifests)
    assert failure.startswith("[tls] identity: called by ")
    assert "learning" in failure and "the Gateway" in failure
    assert failure.endswith("but no Certificate names it")
    # Prometheus's CA file is that Secret's ca.crt: nothing would issue it either.
    assert scrape == (
        "[tls] identity: Prometheus scrapes it (with the token) without verifying it against "
        "the internal CA (tlsConfig.ca)"
    )


def test_gunicorn_not_serving_the_mounted_certificate_is_named(manifests):
    container = app(manifests, "identity")
    container["env"] = [e for e in container["env"] if e["name"] != "GUNICORN_CMD_ARGS"]
    [failure] = tls_failures(manifests)
    assert failure.startswith("[tls] identity: called by ")
    assert failure.endswith("gunicorn serves no certificate from the mounted identity-tls "
                            "(GUNICORN_CMD_ARGS)")  # fmt: skip


def test_a_plain_http_probe_on_the_https_port_is_named(manifests):
    del app(manifests, "passport")["readinessProbe"]["httpGet"]["scheme"]
    assert tls_failures(manifests) == [
        "[tls] passport: readinessProbe is plain HTTP to an HTTPS port"
    ]


def test_a_public_backend_the_gateway_does_not_verify_is_named(manifests):
    del manifests.of("BackendTLSPolicy")["marketplace"]
    assert tls_failures(manifests) == [
        "[tls] the Gateway: no BackendTLSPolicy verifies marketplace (route /api/v1/marketplace)"
    ]


def test_a_backend_policy_verifying_a_name_the_certificate_lacks_is_named(manifests):
    manifests.of("BackendTLSPolicy")["learning"]["spec"]["validation"]["hostname"] = "learn"
    assert (
        tls_failures(manifests)
        == [
            "[tls] the Gateway: BackendTLSPolicy learning verifies learn, which its certificate "
            "does not name"
        ]
        * 2
    )  # two routes (/api/v1/learning, /xapi)


def test_a_worker_scraped_over_plain_http_is_named(manifests):
    endpoint = manifests.of("ServiceMonitor")["relay"]["spec"]["endpoints"][0]
    del endpoint["scheme"], endpoint["tlsConfig"]
    assert tls_failures(manifests) == [
        "[tls] relay: Prometheus scrapes it (with the token) over plain HTTP"
    ]


def test_a_scrape_that_does_not_verify_the_internal_ca_is_named(manifests):
    endpoint = manifests.of("ServiceMonitor")["projections"]["spec"]["endpoints"][0]
    endpoint["tlsConfig"]["insecureSkipVerify"] = True
    other = manifests.of("ServiceMonitor")["celery-beat"]["spec"]["endpoints"][0]
    other["tlsConfig"]["ca"] = {"secret": {"name": "celery-beat-secrets", "key": "ca.crt"}}
    assert tls_failures(manifests) == [
        f"[tls] {part}: Prometheus scrapes it (with the token) without verifying it against "
        "the internal CA (tlsConfig.ca)"
        for part in ("celery-beat", "projections")
    ]


def test_a_scrape_verifying_a_name_no_certificate_holds_is_named(manifests):
    endpoint = manifests.of("ServiceMonitor")["consumer-passport"]["spec"]["endpoints"][0]
    endpoint["tlsConfig"]["serverName"] = "consumer"
    assert tls_failures(manifests) == [
        "[tls] consumer-passport: Prometheus scrapes it (with the token) verifying it as "
        "'consumer', which no Certificate names"
    ]


def test_a_worker_not_serving_its_certificate_is_named(manifests):
    container = app(manifests, "relay")
    container["env"] = [e for e in container["env"] if e["name"] != "METRICS_CERT_FILE"]
    assert tls_failures(manifests) == [
        "[tls] relay: scraped over HTTPS as relay, but its metrics server serves no "
        "certificate from the mounted relay-tls (METRICS_CERT_FILE)"
    ]


def test_a_workers_plain_http_probe_is_named(manifests):
    del app(manifests, "celery-worker")["livenessProbe"]["httpGet"]["scheme"]
    assert tls_failures(manifests) == [
        "[tls] celery-worker: livenessProbe is plain HTTP to an HTTPS port"
    ]


def test_tls_not_required_is_named_for_every_process(manifests):
    manifests.of("ConfigMap")["platform-common"]["data"]["INTERNAL_TLS_REQUIRED"] = "false"
    found = tls_failures(manifests)
    assert len(found) == 16  # the migration hook and 15 workloads
    assert "[tls] migrate: INTERNAL_TLS_REQUIRED is not true" in found


# --- the rehearsal's cert-manager ---------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> certificates.Authority:
    return certificates.Authority.make("rehearsal test CA")


def _verify(files: dict, ca_pem: str, name: str) -> None:
    """A TLS handshake against a server presenting ``files``, trusting ``ca_pem`` only."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "c").write_text(files["tls.crt"])
        Path(tmp, "k").write_text(files["tls.key"])
        server_context.load_cert_chain(Path(tmp, "c"), Path(tmp, "k"))
    client = ssl.create_default_context(cadata=ca_pem)
    listener = socket.create_server(("127.0.0.1", 0))
    errors = []

    def serve():
        conn, _ = listener.accept()
        try:
            server_context.wrap_socket(conn, server_side=True).close()
        except ssl.SSLError as exc:
            errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with socket.create_connection(listener.getsockname()) as raw:
            client.wrap_socket(raw, server_hostname=name).close()
    finally:
        thread.join(10)
        listener.close()


def test_every_certificate_is_issued_as_declared(manifests, authority):
    cm = certificates.CertManager(manifests, authority, short_lived=("identity", "relay"))
    secrets = cm.issue_all()
    assert set(secrets) == {f"{p}-tls" for p in (*WEB, *WORKERS)} | {"platform-internal-ca"}
    for name in (*WEB, *WORKERS):
        files = secrets[f"{name}-tls"]
        assert set(files) == {"tls.crt", "tls.key", "ca.crt"}
        assert files["ca.crt"] == authority.pem()
        cert = x509.load_pem_x509_certificate(files["tls.crt"].encode())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert names.get_values_for_type(x509.DNSName) == [
            name, f"{name}.platform-dev", f"{name}.platform-dev.svc",
            f"{name}.platform-dev.svc.cluster.local",
        ]  # fmt: skip
        lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
        short = name in ("identity", "relay")
        expected = datetime.timedelta(minutes=61 if short else 24 * 60 + 1)
        assert lifetime == expected, name
        _verify(files, authority.pem(), f"{name}.platform-dev.svc")
    assert secrets["platform-internal-ca"]["ca.crt"] == authority.pem()


def test_a_certificate_from_another_ca_is_refused(manifests, authority):
    cm = certificates.CertManager(manifests, authority, another_ca="passport")
    secrets = cm.issue_all()
    assert secrets["passport-tls"]["ca.crt"] != authority.pem()
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        _verify(secrets["passport-tls"], authority.pem(), "passport")
    _verify(secrets["learning-tls"], authority.pem(), "learning")


def test_a_renewal_is_swapped_in_whole_as_the_kubelet_does(manifests, authority, tmp_path):
    cm = certificates.CertManager(manifests, authority)
    secrets = cm.issue_all()
    mounted = tmp_path / "serving"
    certificates.project(mounted, secrets["identity-tls"], 0o440)
    cm.volumes["identity-tls"] = [mounted]
    first = (mounted / "tls.crt").read_text()
    renewed = cm.renew("identity")
    assert (mounted / "tls.crt").read_text() != first
    assert (mounted / "tls.crt").read_text() == renewed.public_bytes(
        certificates.serialization.Encoding.PEM
    ).decode()
    assert (mounted / "tls.key").read_text() == cm.secrets["identity-tls"]["tls.key"]
    # One data folder left, reached through ..data; the keys are links, never rewritten.
    assert [p.name for p in mounted.glob("..20*")] == [(mounted / "..data").readlink().name]
    assert (mounted / "tls.crt").readlink().as_posix() == "..data/tls.crt"


def test_the_callers_own_client_refuses_another_ca(authority, tmp_path):
    """CALLER_CHECK, the script the rehearsal runs in each calling pod, with the app's
    client context: a server whose certificate another CA signed is refused, and named."""
    stranger = certificates.Authority.make("stranger")
    files, _ = stranger.issue(["localhost"], datetime.timedelta(hours=1))
    for key, value in files.items():
        (tmp_path / key).write_text(value)
    (tmp_path / "trusted.crt").write_text(authority.pem())

    jwks = json.dumps({"keys": []}).encode()
    server = https_stub(tmp_path / "tls.crt", tmp_path / "tls.key", lambda _: (200, jwks))
    port = server.server_address[1]
    urls = [f"https://localhost:{port}/.well-known/jwks.json", f"https://localhost:{port}"]
    try:
        env = clean_environment(INTERNAL_CA_FILE=str(tmp_path / "trusted.crt"))
        refused = subprocess.run(
            [sys.executable, "-c", certificates.CALLER_CHECK, *urls],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert refused.returncode == 1, refused.stderr
        lines = refused.stdout.splitlines()
        assert [line.split()[:2] for line in lines] == [["refused", u] for u in urls]
        assert all("CERTIFICATE_VERIFY_FAILED" in line for line in lines), lines
        env["INTERNAL_CA_FILE"] = str(tmp_path / "ca.crt")  # the stranger: now trusted
        accepted = subprocess.run(
            [sys.executable, "-c", certificates.CALLER_CHECK, *urls],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_plain_http_between_parts_is_named():
    names = {"10.2.9.2": "gateway", "10.2.9.3": "learning", "10.2.9.4": "relay",
             "10.2.9.5": "prometheus", "10.2.9.6": "legacy", "10.2.9.7": "sink"}  # fmt: skip
    lines = [
        "12:00:00.1 IP 10.2.9.2.40000 > 10.2.9.3.8000: tcp 120",  # gateway -> learning
        "12:00:00.2 IP 10.2.9.5.40001 > 10.2.9.4.9100: tcp 80",  # Prometheus -> a worker
        "12:00:00.3 IP 10.2.9.2.40002 > 10.2.9.6.8090: tcp 90",  # gateway -> legacy
        "12:00:00.4 IP 10.2.9.3.40003 > 10.2.9.7.4318: tcp 400",  # traces to the Collector
        "12:00:00.5 IP 10.2.9.1.40004 > 10.2.9.3.8000: tcp 60",  # the kubelet, HTTP to HTTPS
    ]
    parts = {"gateway", "learning", "relay"}
    assert certificates.plaintext_failures(lines, names, parts, parts) == [
        "[plaintext] 10.2.9.1 -> learning:8000: an HTTP request in clear text",
        "[plaintext] gateway -> learning:8000: an HTTP request in clear text",
        "[plaintext] gateway -> legacy:8090: an HTTP request in clear text",
        # The scrape token in clear text: a worker's metrics port is HTTPS too.
        "[plaintext] prometheus -> relay:9100: an HTTP request in clear text",
    ]


def _metrics_over_https(authority, tmp_path) -> http.server.ThreadingHTTPServer:
    """A pod's /metrics as the platform serves it: HTTPS with a certificate for
    ``learning`` from the rehearsal's CA (files in tmp_path), 404 unless the scrape token
    (``scrape-token``) is sent. The caller shuts it down."""
    files, _ = authority.issue(["learning"], datetime.timedelta(hours=1))
    for key, value in files.items():
        (tmp_path / key).write_text(value)

    def answer(headers) -> tuple[int, bytes]:
        known = headers.get("Authorization") == "Bearer scrape-token"
        return (200 if known else 404), b"ok"

    return https_stub(tmp_path / "tls.crt", tmp_path / "tls.key", answer)


def test_the_forwarder_to_pods_passes_the_scrape_token_through(authority, tmp_path):
    """Forwarder, the host's door to the pods' HTTPS ports for the smoke journey: verifies
    the pod as its Service name, and hands the caller's Authorization on (the /metrics
    step answered 404 when it did not)."""
    server = _metrics_over_https(authority, tmp_path)
    forwarder = certificates.Forwarder(tmp_path / "ca.crt")
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        url = forwarder.url("127.0.0.1", server.server_address[1], "learning", "/metrics")
        with_token = urllib.request.Request(  # noqa: S310 - the local forwarder
            url, headers={"Authorization": "Bearer scrape-token"}
        )
        assert direct.open(with_token, timeout=30).status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            direct.open(url, timeout=30)
        assert refused.value.code == 404
    finally:
        forwarder.close()
        server.shutdown()
        server.server_close()


def test_the_scrape_verifies_the_server_name_prometheus_is_told(authority, tmp_path):
    """SCRAPE, Prometheus's part: the pod's address, verified as tlsConfig.serverName,
    with the token its ``authorization`` names, and refused without it."""
    server = _metrics_over_https(authority, tmp_path)
    url = f"https://127.0.0.1:{server.server_address[1]}/metrics"
    env = {"SCRAPE_CA": str(tmp_path / "ca.crt"), "PATH": "/usr/bin:/bin"}
    try:
        cases = (
            ("learning|scrape-token", 0),
            ("passport|scrape-token", 1),  # another name than the certificate's
            ("learning|another-token", 1),  # the token the Secret holds is refused
            ("learning|", 1),  # no token: the endpoint answers 404
        )
        for entry, code in cases:
            result = subprocess.run(
                [sys.executable, "-c", certificates.SCRAPE, f"{url}|{entry}"],
                env=env, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert result.returncode == code, (entry, result.stdout, result.stderr)
    finally:
        server.shutdown()
        server.server_close()


def test_a_worker_refused_by_the_scrape_is_named(authority, tmp_path):
    """The running rehearsal's check of the workers (runner.scrape): a worker presenting
    a certificate from another CA, or answering plain HTTP, fails SCRAPE, and the failure
    names the part scraped at that address."""
    stranger = certificates.Authority.make("stranger")
    server = _metrics_over_https(stranger, tmp_path)
    (tmp_path / "trusted.crt").write_text(authority.pem())
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    refused = f"https://127.0.0.1:{server.server_address[1]}/metrics"
    clear = f"https://127.0.0.1:{plain.server_address[1]}/metrics"
    try:
        result = subprocess.run(
            [sys.executable, "-c", certificates.SCRAPE,
             f"{refused}|learning|scrape-token", f"{clear}|relay|scrape-token"],
            env={"SCRAPE_CA": str(tmp_path / "trusted.crt"), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        for each in (server, plain):
            each.shutdown()
            each.server_close()
    assert result.returncode == 1
    [stranger_line, plain_line] = certificates.scrape_failures(
        result.stdout, {refused: "consumer-passport", clear: "relay"}
    )
    assert stranger_line.startswith(f"[tls] prometheus -> consumer-passport ({refused}): ")
    assert "CERTIFICATE_VERIFY_FAILED" in stranger_line
    assert plain_line.startswith(f"[tls] prometheus -> relay ({clear}): the scrape failed: SSL")


def test_a_worker_serves_its_renewal_as_the_rehearsal_mounts_it(
    manifests, authority, tmp_path, settings
):
    """What certificates.rotate checks on the running relay, in process: the worker's
    metrics server (common/observability/worker_server.py) on the Secret volume as the
    rehearsal projects it; cert-manager's renewal swaps ``..data``; the next connection
    is served the new certificate by the same server."""
    from common.observability.worker_server import start_worker_server

    cm = certificates.CertManager(manifests, authority, short_lived=("relay",))
    secrets = cm.issue_all()
    mounted = tmp_path / "serving"
    certificates.project(mounted, secrets["relay-tls"], 0o440)
    cm.volumes["relay-tls"] = [mounted]
    (tmp_path / "ca.crt").write_text(authority.pem())
    settings.METRICS_CERT_FILE = str(mounted / "tls.crt")
    settings.METRICS_KEY_FILE = str(mounted / "tls.key")
    server = start_worker_server(0, host="127.0.0.1")
    port = server.server_address[1]
    try:
        first = certificates.served_certificate("127.0.0.1", port, "relay", tmp_path / "ca.crt")
        assert first.serial_number == cm.issued["relay"].serial_number
        renewed = cm.renew("relay")
        served = certificates.served_certificate("127.0.0.1", port, "relay", tmp_path / "ca.crt")
        assert served.serial_number == renewed.serial_number != first.serial_number
    finally:
        server.shutdown()
        server.server_close()
