"""libpq with a per-cluster CA bundle, for real: a private PostgreSQL whose certificate is
signed by its own CA (like each OVHcloud Managed PostgreSQL cluster) accepts
sslmode=verify-full with the bundle Terraform writes (several clusters' CAs in one
file, as DATABASE_SSLROOTCERT names it) and refuses the system bundle the platform
used before. The server is initdb'd in a temporary directory and stopped afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.infra.test_platform_tls import certificate, pem
from tests.processes import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture
def tls_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 binaries are required in {PG_BIN}")
    base = Path(tempfile.mkdtemp(prefix="pgtls-"))
    data = base / "data"
    cluster_ca = certificate("postgresql-cluster-ca", ca=True)
    server = certificate("127.0.0.1", cluster_ca, ca=False)
    other_ca = certificate("valkey-cluster-ca", ca=True)
    (base / "bundle.crt").write_bytes(pem(other_ca[1]) + b"\n" + pem(cluster_ca[1]))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    init = subprocess.run(
        as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    (data / "server.crt").write_bytes(pem(server[1]))
    (data / "server.key").write_bytes(pem(server[0]))
    (data / "server.key").chmod(0o600)
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
    with (data / "pg_hba.conf").open("w") as hba:
        hba.write("hostssl all all 127.0.0.1/32 trust\n")
    if os.geteuid() == 0:
        for path in (data / "server.crt", data / "server.key", data / "pg_hba.conf"):
            shutil.chown(path, "postgres")
    port = free_port()
    process = subprocess.Popen(
        as_postgres(
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={base}",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(
                    host="127.0.0.1",
                    port=port,
                    user="postgres",
                    dbname="postgres",
                    sslmode="require",
                    connect_timeout=2,
                ).close()
                break
            except psycopg.OperationalError:
                assert process.poll() is None, "postgres exited"
                assert time.monotonic() < deadline, "postgres did not start"
                time.sleep(0.2)
        yield {"port": port, "bundle": base / "bundle.crt"}
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def connect(port: int, rootcert: Path):
    return psycopg.connect(
        host="127.0.0.1",
        port=port,
        user="postgres",
        dbname="postgres",
        sslmode="verify-full",
        sslrootcert=str(rootcert),
        connect_timeout=10,
    )


def test_verify_full_accepts_the_cluster_ca_bundle(tls_postgres):
    with connect(tls_postgres["port"], tls_postgres["bundle"]) as conn:
        assert conn.execute(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone() == (True,)


def test_verify_full_refuses_the_system_bundle(tls_postgres):
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        connect(tls_postgres["port"], Path("/etc/ssl/certs/ca-certificates.crt"))
