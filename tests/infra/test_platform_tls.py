"""The databases' per-cluster CA, from Terraform to the platform's TLS settings.

OVHcloud Managed PostgreSQL and Valkey present certificates signed by a CA of their own
cluster: verify-full against the system bundle is refused. The chain checked here:
Terraform reads each cluster's CA and writes one bundle into the secret store
(platform/tls, ca.crt), the ExternalSecret platform-tls
(deploy/k8s/base/common/certificate-authorities.yaml) makes
it a Secret mounted by every Deployment and the migration Job, and DATABASE_SSLROOTCERT
and REDIS_URL's ssl_ca_certs name the mounted file. Then, for real: a private TLS
redis-server whose certificate comes from its own CA accepts the URL Terraform writes
(rediss://, the platform user, the bundle) from redis-py and kombu (Celery), and refuses a
client that trusts the system bundle instead. Every value an ExternalSecret reads is one
Terraform writes (a real `terraform plan` of each environment, offline providers).
"""

from __future__ import annotations

import copy
import datetime
import json
import posixpath
import re
import shutil
import subprocess
import time
from pathlib import Path

import jsonschema
import pytest
import redis
import yaml

from tests.infra.test_terraform import (
    ENVIRONMENTS,
    TERRAFORM,
    hcl,
    make_workspace,
    output,
    terraform,
)
from tests.infra.tools import REPO_ROOT, documents, kustomize_build
from tests.processes import free_port

OVERLAYS = REPO_ROOT / "deploy" / "k8s" / "overlays"


def ca_path() -> str:
    [locals_] = hcl(TERRAFORM / "environments" / "_shared" / "main.tf")["locals"][:1]
    return locals_["ca_path"]


@pytest.fixture(scope="module")
def overlays() -> dict[str, list[dict]]:
    return {env: documents(kustomize_build(OVERLAYS / env)) for env in ENVIRONMENTS}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_pod_mounts_the_ca_bundle_that_database_sslrootcert_names(overlays, env):
    docs = overlays[env]
    path = ca_path()
    [common] = [
        d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "platform-common"
    ]
    assert common["data"]["DATABASE_SSLROOTCERT"] == path
    [tls] = [
        d for d in docs if d["kind"] == "ExternalSecret" and d["metadata"]["name"] == "platform-tls"
    ]
    assert tls["spec"]["target"]["name"] == "platform-tls"
    assert tls["spec"]["data"] == [
        {"secretKey": "ca.crt", "remoteRef": {"key": "platform/tls", "property": "ca.crt"}}
    ]
    workloads = [d for d in docs if d["kind"] in ("Deployment", "Job")]
    assert len(workloads) >= 16  # 15 Deployments and the migration Job
    # The Secret's one key, ca.crt, is the file DATABASE_SSLROOTCERT names.
    assert posixpath.basename(path) == "ca.crt"
    for workload in workloads:
        spec = workload["spec"]["template"]["spec"]
        [volume] = [
            v for v in spec["volumes"] if v.get("secret", {}).get("secretName") == "platform-tls"
        ]
        for container in spec["containers"]:
            env_from = {e.get("configMapRef", {}).get("name") for e in container.get("envFrom", [])}
            if "platform-common" not in env_from:
                continue
            [mount] = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
            assert mount["mountPath"] == posixpath.dirname(path), workload["metadata"]["name"]
            assert mount.get("readOnly") is True, workload["metadata"]["name"]


@pytest.fixture(scope="module")
def planned_outputs(tmp_path_factory) -> dict[str, dict]:
    """Each environment's planned outputs, from a real plan (offline providers)."""
    workspace = make_workspace(tmp_path_factory.mktemp("layout"))
    planned = {}
    for env in ENVIRONMENTS:
        directory = workspace["root"] / "environments" / env
        # A local backend in the copy only: the plan needs a backend, not the pg one.
        (directory / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
        initialised = terraform(workspace, directory, "init", "-input=false")
        assert initialised.returncode == 0, output(initialised)
        app = 'argocd_github_app={id="1",installation_id="2",private_key="k"}'
        smtp = 'smtp_account={username="mailer",password="p"}'
        alerts = 'alert_receivers={slack_webhook_url="https://hooks.example.org/x",pagerduty_routing_key="k"}'
        plan = terraform(
            workspace,
            directory,
            "plan",
            "-input=false",
            "-out=plan",
            *("-var", app, "-var", smtp, "-var", alerts),
        )
        assert plan.returncode == 0, output(plan)
        shown = terraform(workspace, directory, "show", "-json", "plan")
        assert shown.returncode == 0, output(shown)
        planned[env] = json.loads(shown.stdout)["planned_values"]["outputs"]
    return planned


@pytest.fixture(scope="module")
def secret_layouts(planned_outputs) -> dict[str, dict[str, list[str]]]:
    """Each environment's secret_layout output: path => property names Terraform writes."""
    return {env: outputs["secret_layout"]["value"] for env, outputs in planned_outputs.items()}


def remote_refs(docs: list[dict]) -> set[tuple[str, str | None]]:
    """(key, property) of every ExternalSecret; (key, None) for a whole-secret extract."""
    refs = set()
    for doc in docs:
        if doc["kind"] != "ExternalSecret":
            continue
        for item in doc["spec"].get("data", []):
            refs.add((item["remoteRef"]["key"], item["remoteRef"].get("property")))
        for item in doc["spec"].get("dataFrom", []):
            refs.add((item["extract"]["key"], None))
    return refs


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_terraform_writes_every_value_the_external_secrets_read(overlays, secret_layouts, env):
    layout = secret_layouts[env]
    refs = remote_refs(environment_documents(env, overlays))
    assert ("platform/argocd/repository", None) in refs
    for key, prop in sorted(refs, key=str):
        assert key in layout, (
            f"{key} is read by an ExternalSecret but Terraform writes no such path"
        )
        if prop is not None:
            assert prop in layout[key], f"{key}:{prop} is not written by Terraform"
    aliases = (
        "default",
        "identity",
        "learning",
        "reputation",
        "passport",
        "governance",
        "marketplace",
    )
    # The migration Job extracts the whole secret: one URL per alias, as settings expect.
    assert layout["platform/databases/migrate"] == sorted(
        f"DATABASE_URL_{a.upper()}" for a in aliases
    )


# --- the SecretStores point where Terraform put the values ----------------------------------

OVH_PROVIDER_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "eso-ovh-provider.schema.json").read_text()
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def observability_documents(env: str) -> list[dict]:
    """deploy/observability as the environment's Argo CD Application renders it (its
    kustomize patches: JSON6902 replace operations on the SecretStores)."""
    docs = documents(kustomize_build(REPO_ROOT / "deploy" / "observability"))
    apps = documents(kustomize_build(REPO_ROOT / "deploy" / "argocd" / "apps" / env))
    [app] = [
        d for d in apps if d["kind"] == "Application" and d["metadata"]["name"] == "observability"
    ]
    for patch in app["spec"]["source"].get("kustomize", {}).get("patches", []):
        for doc in docs:
            if (doc["kind"], doc["metadata"]["name"]) != (
                patch["target"]["kind"],
                patch["target"]["name"],
            ):
                continue
            for op in yaml.safe_load(patch["patch"]):
                assert op["op"] == "replace", op
                *parents, leaf = op["path"].strip("/").split("/")
                node = doc
                for part in parents:
                    node = node[part]
                assert leaf in node, op
                node[leaf] = op["value"]
    return docs


def environment_documents(env: str, overlays) -> list[dict]:
    """Everything that reads the environment's secret store: the platform's overlay, the
    argocd namespace's repository credential, the observability stack."""
    argocd = documents(kustomize_build(REPO_ROOT / "deploy" / "argocd" / "apps" / env))
    return overlays[env] + argocd + observability_documents(env)


def store_mismatches(docs: list[dict], store: dict, layout: dict, namespace: str) -> list[str]:
    """Where the SecretStores and ExternalSecrets depart from Terraform's secret store:
    another endpoint, another credential Secret, a namespace the credential does not
    reach, a key outside the paths Terraform writes (another prefix), or stores of one
    environment naming different domains."""
    problems = []
    domains = set()
    for doc in docs:
        where = (
            f"{doc['kind']} {doc['metadata'].get('namespace', namespace)}/{doc['metadata']['name']}"
        )
        if doc["kind"] in ("SecretStore", "ClusterSecretStore"):
            provider = doc["spec"]["provider"]
            if set(provider) != {"ovh"}:
                problems.append(f"{where}: provider {sorted(provider)}, not ovh")
                continue
            ovh = provider["ovh"]
            if ovh["server"] != store["server"]:
                problems.append(
                    f"{where}: server {ovh['server']} is not Terraform's {store['server']}"
                )
            for ref in ovh["auth"]["mtls"].values():
                if ref["name"] != store["credential_secret"]:
                    problems.append(
                        f"{where}: credential {ref['name']} is not {store['credential_secret']}"
                    )
            if doc["metadata"].get("namespace", namespace) not in store["namespaces"]:
                problems.append(f"{where}: Terraform delivers no credential to this namespace")
            domains.add(ovh["okmsid"])
        if doc["kind"] == "ExternalSecret":
            keys = [i["remoteRef"]["key"] for i in doc["spec"].get("data", [])]
            keys += [i["extract"]["key"] for i in doc["spec"].get("dataFrom", [])]
            problems += [
                f"{where}: key {k} is no path Terraform writes" for k in keys if k not in layout
            ]
    if len(domains) > 1:
        problems.append(f"the environment's stores name several domains: {sorted(domains)}")
    return problems


@pytest.fixture(scope="module")
def planned_stores(planned_outputs) -> dict[str, dict]:
    return {env: outputs["secret_store"]["value"] for env, outputs in planned_outputs.items()}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_secret_store_points_at_terraforms_domain_with_its_credential(
    overlays, planned_stores, secret_layouts, env
):
    docs = environment_documents(env, overlays)
    stores = [d for d in docs if d["kind"] == "SecretStore"]
    # The platform's, argocd's and the observability stack's two.
    assert len(stores) == 4
    assert store_mismatches(docs, planned_stores[env], secret_layouts[env], f"platform-{env}") == []
    for doc in stores:
        # The domain id is Terraform's after the first apply; until then the nil UUID
        # (docs/runbooks/first-apply.md, step 5), never anything that is not an id.
        assert UUID.match(doc["spec"]["provider"]["ovh"]["okmsid"]), doc["metadata"]


def test_the_cross_check_refuses_another_endpoint_credential_or_prefix(
    overlays, planned_stores, secret_layouts
):
    """The check above fails on the mistakes it is there for."""
    store, layout = planned_stores["staging"], secret_layouts["staging"]
    docs = copy.deepcopy(environment_documents("staging", overlays))
    assert store_mismatches(docs, store, layout, "platform-staging") == []
    [platform] = [
        d
        for d in docs
        if d["kind"] == "SecretStore" and d["metadata"]["name"] == "platform-secrets"
    ]
    platform["spec"]["provider"]["ovh"]["server"] = "https://eu-west-gra.okms.ovh.net"
    platform["spec"]["provider"]["ovh"]["auth"]["mtls"]["keySecretRef"]["name"] = "other"
    [redis_reader] = [
        d
        for d in docs
        if d["kind"] == "ExternalSecret"
        and any(i["remoteRef"]["key"] == "platform/redis" for i in d["spec"].get("data", []))
    ][:1]
    for item in redis_reader["spec"]["data"]:
        if item["remoteRef"]["key"] == "platform/redis":
            item["remoteRef"]["key"] = "secret/platform/redis"
    [argocd] = [
        d for d in docs if d["kind"] == "SecretStore" and d["metadata"]["name"] == "argocd-secrets"
    ]
    argocd["spec"]["provider"]["ovh"]["okmsid"] = "11111111-1111-1111-1111-111111111111"
    problems = store_mismatches(docs, store, layout, "platform-staging")
    assert any("server https://eu-west-gra" in p for p in problems), problems
    assert any("credential other" in p for p in problems), problems
    assert any("key secret/platform/redis" in p for p in problems), problems
    assert any("several domains" in p for p in problems), problems
    vault = copy.deepcopy(platform)
    vault["spec"]["provider"] = {"vault": {"server": store["server"], "path": "secret"}}
    assert store_mismatches([vault], store, layout, "platform-staging")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_secret_store_passes_the_ovh_provider_schema(overlays, env):
    """The npm CRD models of tools/validators predate ESO's OVHcloud provider (an `ovh`
    block passes them unchecked), so the block is checked against the upstream API type,
    transcribed in tests/infra/schemas (say so: declared by hand)."""
    validator = jsonschema.Draft202012Validator(OVH_PROVIDER_SCHEMA)
    stores = [d for d in environment_documents(env, overlays) if d["kind"] == "SecretStore"]
    for doc in stores:
        errors = [e.message for e in validator.iter_errors(doc["spec"]["provider"]["ovh"])]
        assert errors == [], (doc["metadata"]["name"], errors)
    # And it rejects what the operator would: a misspelled field, a missing domain id.
    broken = copy.deepcopy(stores[0]["spec"]["provider"]["ovh"])
    broken["okmsId"] = broken.pop("okmsid")
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("okmsid" in m for m in messages) and any("okmsId" in m for m in messages), messages


def test_the_pinned_operator_has_the_ovh_provider():
    """spec.provider.ovh came with external-secrets#6101 (merged 2026-03-17): 0.x and the
    2.0/2.1 charts do not serve it, and a store the operator does not know is refused."""
    app = yaml.safe_load((REPO_ROOT / "deploy/argocd/apps/base/external-secrets.yaml").read_text())
    [chart] = [s for s in app["spec"]["sources"] if s.get("chart") == "external-secrets"]
    assert tuple(int(n) for n in chart["targetRevision"].split(".")[:2]) >= (2, 2)


# --- the URL Terraform writes for Valkey, against a real TLS server ---------------------------


def redis_url_format() -> str:
    text = (TERRAFORM / "modules" / "ovh-valkey" / "outputs.tf").read_text()
    match = re.search(r'format\(\s*"(rediss://[^"]+)"', text)
    assert match, "the REDIS_URL format moved"
    return match.group(1)


def certificate(common_name: str, issuer=None, *, ca: bool):
    """A key and certificate (self-signed CA, or a server certificate for 127.0.0.1)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    signer_key, signer_name = (key, name) if issuer is None else (issuer[0], issuer[1].subject)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(signer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return key, builder.sign(signer_key, hashes.SHA256())


def pem(obj) -> bytes:
    from cryptography.hazmat.primitives import serialization

    if hasattr(obj, "public_bytes"):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def tls_valkey(tmp_path):
    """A private redis-server speaking TLS only, its certificate from a cluster CA, with a
    `platform` ACL user as the Terraform module creates it (+@all -@admin, all keys)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is required (scripts/ensure-services.sh installs it)")
    cluster_ca = certificate("valkey-cluster-ca", ca=True)
    server = certificate("127.0.0.1", cluster_ca, ca=False)
    other_ca = certificate("postgresql-cluster-ca", ca=True)
    (tmp_path / "server.crt").write_bytes(pem(server[1]))
    (tmp_path / "server.key").write_bytes(pem(server[0]))
    (tmp_path / "ca.crt").write_bytes(pem(cluster_ca[1]))
    # The bundle Terraform writes: every cluster's CA in one file.
    (tmp_path / "bundle.crt").write_bytes(pem(other_ca[1]) + b"\n" + pem(cluster_ca[1]))
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--tls-port",
            str(port),
            "--tls-cert-file",
            str(tmp_path / "server.crt"),
            "--tls-key-file",
            str(tmp_path / "server.key"),
            "--tls-ca-cert-file",
            str(tmp_path / "ca.crt"),
            "--tls-auth-clients",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
            "--user",
            "default",
            "off",
            "--user",
            "platform",
            "on",
            ">s3cret-pass",
            "~*",
            "&*",
            "+@all",
            "-@admin",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with __import__("socket").create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield {"port": port, "bundle": tmp_path / "bundle.crt"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_redis_url_terraform_writes_connects_over_verified_tls(tls_valkey):
    url = redis_url_format() % (
        "platform",
        "s3cret-pass",
        "127.0.0.1",
        tls_valkey["port"],
        tls_valkey["bundle"],
    )
    assert url.startswith("rediss://platform:")
    client = redis.Redis.from_url(url, socket_timeout=10)
    assert client.ping()
    client.xadd("platform:test-stream", {"k": "v"})
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.config_get("maxmemory")  # -@admin
    client.close()

    # Celery's broker connection (kombu) reads the same URL.
    from kombu import Connection

    with Connection(url, connect_timeout=10) as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected


def test_the_system_bundle_does_not_verify_a_cluster_ca(tls_valkey):
    system = Path("/etc/ssl/certs/ca-certificates.crt")
    url = redis_url_format() % ("platform", "s3cret-pass", "127.0.0.1", tls_valkey["port"], system)
    client = redis.Redis.from_url(url, socket_timeout=10)
    with pytest.raises(redis.exceptions.ConnectionError, match="certificate verify failed"):
        client.ping()
