"""TLS between parts: a caller trusts the cluster's CA and refuses any other, and
certificates and CA bundles rotate in place without a restart.

Two certificate authorities are made here; a server (HTTPS, then a real redis-server
over TLS) presents a certificate from one of them. Configured with the other, every
kind of caller refuses the connection; configured with the right one, it goes through.
A process told that TLS between parts is required refuses to start with a plain hop.
A worker's metrics port serves HTTPS only with its certificate, and a renewed one without
a restart, as gunicorn does for the web parts.
"""

from __future__ import annotations

import datetime
import http.client
import http.server
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from common.auth.jwks import JwksUnavailable, http_fetcher
from common.observability.worker_server import start_worker_server
from legacy_adapter.client import ClientConfig, LegacyClient, LegacyUnavailable
from tests.https_stub import https_stub
from tests.processes import (
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    run_django,
    wait_until,
)

JWKS = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": "AAAA"}]}


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path, key) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class Authority:
    """A CA and, on demand, a server certificate for 127.0.0.1 / localhost."""

    def __init__(self, directory, name: str) -> None:
        self.directory = directory
        self.name = name
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} internal CA"))
            .issuer_name(_name(f"{name} internal CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = directory / f"{name}-ca.pem"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def server_files(self):
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("localhost"))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_file = self.directory / f"{self.name}-server.pem"
        key_file = self.directory / f"{self.name}-server.key"
        # Written in place, key first, as the kubelet updates a mounted Secret.
        _write_key(key_file, key)
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.last_serial = cert.serial_number
        return cert_file, key_file


@pytest.fixture
def authorities(tmp_path):
    return Authority(tmp_path, "cluster"), Authority(tmp_path, "other")


@pytest.fixture
def https_server(authorities):
    """An HTTPS server on 127.0.0.1 whose certificate the cluster's CA issued."""
    cluster, _ = authorities
    cert_file, key_file = cluster.server_files()

    server = https_stub(cert_file, key_file, lambda _: (200, json.dumps(JWKS).encode()))
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_jwks_fetch_trusts_the_cluster_ca_and_refuses_another(
    authorities, https_server, settings
):
    cluster, other = authorities
    url = f"{https_server}/.well-known/jwks.json"
    settings.INTERNAL_CA_FILE = str(other.ca_file)
    with pytest.raises(JwksUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        http_fetcher(url, timeout=5)()
    settings.INTERNAL_CA_FILE = str(cluster.ca_file)
    assert http_fetcher(url, timeout=5)() == JWKS


def test_the_gateway_and_legacy_client_refuses_a_certificate_from_another_ca(
    authorities, https_server, settings
):
    cluster, other = authorities
    settings.INTERNAL_CA_FILE = str(other.ca_file)
    refusing = LegacyClient(ClientConfig(base_url=https_server, retry_attempts=1))
    with pytest.raises(LegacyUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        refusing.request("GET", "/api/users")
    settings.INTERNAL_CA_FILE = str(cluster.ca_file)
    trusting = LegacyClient(ClientConfig(base_url=https_server, retry_attempts=1))
    assert trusting.request("GET", "/api/users").json() == JWKS


def test_redis_over_tls_is_refused_with_another_ca_and_accepted_with_the_cluster_ca(
    authorities, tmp_path
):
    cluster, other = authorities
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (scripts/ensure-services.sh installs it)"
    cert_file, key_file = cluster.server_files()
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
         "--tls-cert-file", str(cert_file), "--tls-key-file", str(key_file),
         "--tls-ca-cert-file", str(cluster.ca_file), "--tls-auth-clients", "no",
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        trusting = redis.Redis.from_url(
            f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=required&ssl_ca_certs={cluster.ca_file}"
        )
        assert wait_until(lambda: _answers(trusting), timeout=30, what="redis-server over TLS")
        refusing = redis.Redis.from_url(
            f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=required&ssl_ca_certs={other.ca_file}"
        )
        with pytest.raises(redis.ConnectionError, match="certificate verify failed"):
            refusing.ping()
    finally:
        server.kill()
        server.wait(10)


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError as exc:
        if "certificate" in str(exc):
            raise
        return False  # not listening yet


def _start(**variables: str):
    return run_django(
        "from django.conf import settings\nprint('started', settings.INTERNAL_TLS_REQUIRED)",
        clean_environment(**variables),
    )


def test_a_process_that_requires_tls_between_parts_refuses_a_plain_hop_and_names_it():
    required = {
        "INTERNAL_TLS_REQUIRED": "true",
        "AUTH_JWKS_URL": "https://identity.platform.svc:8443/.well-known/jwks.json",
        "LEGACY_BASE_URL": "https://legacy.internal",
        "REDIS_URL": "rediss://redis.platform.svc:6380/0?ssl_cert_reqs=required",
    }
    assert "started True" in _start(**required).stdout

    for variable, plain in [
        ("AUTH_JWKS_URL", "http://identity.platform.svc:8000/.well-known/jwks.json"),
        ("LEGACY_BASE_URL", "http://legacy.internal"),
        ("REDIS_URL", "redis://redis.platform.svc:6379/0"),
        ("REDIS_URL", "rediss://redis.platform.svc:6380/0?ssl_cert_reqs=none"),
        ("GATEWAY_NEW_BASE_URLS", "learning=http://learning.platform.svc:8000"),
    ]:
        refused = _start(**{**required, variable: plain})
        assert refused.returncode != 0, (variable, plain)
        assert "INTERNAL_TLS_REQUIRED" in refused.stderr and variable in refused.stderr

    database = _start(
        **required,
        DATABASE_SERVER_URL="postgres://postgres@127.0.0.1:5432",
        DATABASE_SSLMODE="require",
    )
    assert database.returncode != 0
    assert "DATABASE_SSLMODE" in database.stderr and "verify-full" in database.stderr


def test_a_rotated_ca_bundle_is_trusted_without_a_restart(authorities, https_server, settings):
    """cert-manager rotates the CA; the kubelet rewrites the mounted bundle in place."""
    cluster, other = authorities
    bundle = cluster.ca_file.parent / "mounted-ca.pem"
    bundle.write_bytes(other.ca_file.read_bytes())
    settings.INTERNAL_CA_FILE = str(bundle)
    url = f"{https_server}/.well-known/jwks.json"
    with pytest.raises(JwksUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        http_fetcher(url, timeout=5)()
    bundle.write_bytes(other.ca_file.read_bytes() + cluster.ca_file.read_bytes())
    os.utime(bundle, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert http_fetcher(url, timeout=5)() == JWKS


def _served_serial(port: int, ca_file) -> int:
    context = ssl.create_default_context(cafile=str(ca_file))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        served = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
    return served.serial_number


@pytest.mark.django_db(databases=["default"])
def test_gunicorn_serves_a_renewed_certificate_without_a_restart(authorities, tmp_path):
    """cert-manager renews the certificate into the mounted files; gunicorn's workers
    build their TLS context per connection, so the next connection gets the new one."""
    cluster, _ = authorities
    cert_file, key_file = cluster.server_files()
    first = cluster.last_serial
    port = free_port()
    env = clean_environment(
        **database_urls_for("default"), SERVICE="gateway", ALLOWED_HOSTS="127.0.0.1",
        AUTH_JWKS_URL="https://identity.invalid/.well-known/jwks.json",
    )  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c",
         "python:config.gunicorn", "--bind", f"127.0.0.1:{port}",
         "--certfile", str(cert_file), "--keyfile", str(key_file)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert (
            wait_until(
                lambda: _served_serial(port, cluster.ca_file), timeout=60, what="gunicorn over TLS"
            )
            == first
        )
        cluster.server_files()  # renewed in place
        assert cluster.last_serial != first
        assert _served_serial(port, cluster.ca_file) == cluster.last_serial
        assert server.poll() is None, "gunicorn restarted"
    finally:
        server.terminate()
        server.wait(30)
        log.close()


# --- the workers' metrics port ------------------------------------------------------------

TOKEN = "scrape-token-0123456789abcdef0123456789"


def _get_over_tls(port: int, ca_file, path: str, token: str = "") -> tuple[int, bytes]:
    """What Prometheus does: HTTPS verified against ``ca_file``, the bearer token sent."""
    context = ssl.create_default_context(cafile=str(ca_file))
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        connection.request(
            "GET", path, headers={"Authorization": f"Bearer {token}"} if token else {}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def worker_over_tls(authorities, settings):
    """A worker's metrics server (common/observability/worker_server.py) configured as
    the manifests configure it: the cluster CA's certificate, the scrape token."""
    cluster, _ = authorities
    cert_file, key_file = cluster.server_files()
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_CERT_FILE, settings.METRICS_KEY_FILE = str(cert_file), str(key_file)
    server = start_worker_server(free_port(), host="127.0.0.1")
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_workers_metrics_port_serves_https_only_with_the_token(authorities, worker_over_tls):
    cluster, other = authorities
    port = worker_over_tls
    assert _get_over_tls(port, cluster.ca_file, "/metrics")[0] == 404
    status, body = _get_over_tls(port, cluster.ca_file, "/metrics", TOKEN)
    assert status == 200 and b"# HELP" in body
    assert _get_over_tls(port, cluster.ca_file, "/health")[0] == 200  # the kubelet's probe
    # A scraper trusting another CA refuses the worker before sending its token.
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        _get_over_tls(port, other.ca_file, "/metrics", TOKEN)
    # Plain HTTP gets no answer at all: the token is never read off a clear-text request.
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        plain.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            plain.getresponse()
    finally:
        plain.close()
    # The server still serves the next scraper after both refusals, and while a client
    # that connected says nothing (its handshake waits in its own thread).
    with socket.create_connection(("127.0.0.1", port), timeout=10):
        assert _get_over_tls(port, cluster.ca_file, "/metrics", TOKEN)[0] == 200


def test_a_half_written_renewal_keeps_the_previous_certificate_served(authorities, worker_over_tls):
    """A key written before its certificate (in place, one file after the other) does
    not match it for a moment: the worker serves the pair it had, then the new one."""
    cluster, _ = authorities
    port = worker_over_tls
    first = cluster.last_serial
    assert _served_serial(port, cluster.ca_file) == first
    cert_file = cluster.directory / f"{cluster.name}-server.pem"
    old_certificate = cert_file.read_bytes()
    cluster.server_files()
    cert_file.write_bytes(old_certificate)  # the new key beside the old certificate
    assert _served_serial(port, cluster.ca_file) == first
    cluster.server_files()
    assert _served_serial(port, cluster.ca_file) == cluster.last_serial != first


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_worker_serves_a_renewed_certificate_without_a_restart(authorities, settings, tmp_path):
    """A real consumer process, configured as in Kubernetes: HTTPS on its METRICS_PORT;
    cert-manager renews the mounted files; the next scrape gets the new certificate from
    the same process."""
    cluster, _ = authorities
    cert_file, key_file = cluster.server_files()
    first = cluster.last_serial
    port = free_port()
    env = clean_environment(
        **database_urls_for(), REDIS_URL=settings.REDIS_URL, METRICS_PORT=str(port),
        METRICS_CERT_FILE=str(cert_file), METRICS_KEY_FILE=str(key_file),
    )  # fmt: skip
    log = (tmp_path / "consumer.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "consume_events", "--group", "governance"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        served = wait_until(
            lambda: _served_serial(port, cluster.ca_file), timeout=60, what="the worker over TLS"
        )
        assert served == first
        status, body = _get_over_tls(port, cluster.ca_file, "/metrics", env["METRICS_TOKEN"])
        assert status == 200 and b"eventbus_consumer_lag" in body
        cluster.server_files()  # renewed in place
        assert _served_serial(port, cluster.ca_file) == cluster.last_serial != first
        assert worker.poll() is None, "the worker restarted"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        log.close()


def test_a_worker_that_requires_tls_refuses_a_plain_metrics_port(authorities):
    cluster, _ = authorities
    cert_file, key_file = cluster.server_files()
    required = {
        "INTERNAL_TLS_REQUIRED": "true",
        "AUTH_JWKS_URL": "https://identity.platform.svc:8443/.well-known/jwks.json",
        "LEGACY_BASE_URL": "https://legacy.internal",
        "REDIS_URL": "rediss://redis.platform.svc:6380/0?ssl_cert_reqs=required",
        "METRICS_PORT": "9100",
    }
    plain = _start(**required)
    assert plain.returncode != 0
    assert "INTERNAL_TLS_REQUIRED" in plain.stderr and "METRICS_PORT" in plain.stderr
    served = _start(**required, METRICS_CERT_FILE=str(cert_file), METRICS_KEY_FILE=str(key_file))
    assert "started True" in served.stdout, served.stderr
    half = _start(**required, METRICS_CERT_FILE=str(cert_file))
    assert half.returncode != 0 and "METRICS_KEY_FILE" in half.stderr
