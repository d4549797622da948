"""Kustomize base and overlays: built by kubectl, validated by real schemas, offline.

Every overlay is built with the pinned kubectl (kustomize v5) and the output goes through
kubernetes-validate --strict against the Kubernetes 1.31 OpenAPI schemas. That tool only
warns about kinds it has no schema for; here such a kind counts as a failure unless it is
a custom resource that tools/validators/validate-crds.js validates against its own CRD
schema (External Secrets, Prometheus Operator, cert-manager, Argo CD). The rest of the
module checks what the platform contract asks of each process.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from config import gunicorn
from tests.infra.tools import (
    KUBERNETES_VERSION,
    REPO_ROOT,
    WORKER_COMMANDS,
    documents,
    kubectl,
    kustomize_build,
    run,
    validate_custom_resources,
    venv_tool,
)

K8S = REPO_ROOT / "deploy" / "k8s"
ENVIRONMENTS = ("dev", "staging", "production")
DOMAINS = ("identity", "learning", "reputation", "passport", "governance", "marketplace")
WEB = ("gateway", "admin", *DOMAINS)
# Must never run twice; documented in deploy/k8s/generate.py.
SINGLETONS = {"relay", "projections", "celery-beat"}
PROCESSES = (*WEB, *WORKER_COMMANDS)
# The public paths each domain serves (config/urls.py, the domains' urls.py and
# root_urls.py): the HTTPRoute sends them to that domain's Service, the rest to the gateway.
PUBLIC_ROUTES = {
    "/api/v1/identity": "identity",
    "/.well-known": "identity",  # the JWKS
    "/verify-email": "identity",  # the pages the mails link to
    "/reset-password": "identity",
    "/admin": "admin",  # the back office over every part (SERVICE=all)
    "/api/schema": "admin",  # the OpenAPI schema of every part's endpoints
    "/api/docs": "admin",
    "/api/v1/learning": "learning",
    "/xapi": "learning",
    "/api/v1/reputation": "reputation",
    "/api/v1/passport": "passport",
    "/p": "passport",  # public credential and share pages
    "/api/v1/governance": "governance",
    "/api/v1/marketplace": "marketplace",
    "/": "gateway",
}
# OVHcloud Managed Kubernetes's default pod CIDR (Terraform sets none).
POD_NETWORK = "10.2.0.0/16"
WARN_UNKNOWN = re.compile(r"Couldn't find schema for kind (\S+) with api version (\S+)")


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    return {env: kustomize_build(K8S / "overlays" / env) for env in ENVIRONMENTS}


@functools.cache
def by_kind(text: str) -> dict[str, dict[str, dict]]:
    """Documents by kind and name (cached: read-only use in the tests)."""
    found: dict[str, dict[str, dict]] = {}
    for doc in documents(text):
        found.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    return found


def kubernetes_validate(path: Path):
    return run([venv_tool("kubernetes-validate"), "-k", KUBERNETES_VERSION, "--strict", str(path)])


def assert_schema_valid(text: str, tmp_path: Path) -> None:
    """kubernetes-validate --strict on built-in kinds; CRD schemas on the others; a kind
    neither knows fails."""
    manifest = tmp_path / "built.yaml"
    manifest.write_text(text)
    result = kubernetes_validate(manifest)
    assert result.returncode == 0, result.stdout + result.stderr
    unknown_to_k8s = {(api, kind) for kind, api in WARN_UNKNOWN.findall(result.stdout)}
    other_warnings = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("WARN") and not WARN_UNKNOWN.search(line)
    ]
    assert other_warnings == []
    custom = [d for d in documents(text) if (d["apiVersion"], d["kind"]) in unknown_to_k8s]
    results = own_schema_results(custom)
    custom = [d for d in custom if (d["apiVersion"], d["kind"]) not in OWN_SCHEMAS]
    results += validate_custom_resources(yaml.safe_dump_all(custom))
    checked = {(r["apiVersion"], r["kind"]) for r in results}
    assert unknown_to_k8s <= checked, f"kinds no schema checked: {unknown_to_k8s - checked}"
    assert [r for r in results if r["status"] != "valid"] == []


# Kinds whose served version no installable model covers: a JSON schema written from the
# API reference (tests/infra/schemas, see its $comment), checked by jsonschema.
OWN_SCHEMAS = {
    ("gateway.networking.k8s.io/v1alpha3", "BackendTLSPolicy"): "backendtlspolicy-v1alpha3.json",
}


def own_schema_results(docs: list[dict]) -> list[dict]:
    results = []
    for doc in docs:
        schema_file = OWN_SCHEMAS.get((doc["apiVersion"], doc["kind"]))
        if schema_file is None:
            continue
        schema = json.loads((Path(__file__).parent / "schemas" / schema_file).read_text())
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
        results.append(
            {
                "apiVersion": doc["apiVersion"],
                "kind": doc["kind"],
                "name": doc["metadata"]["name"],
                "status": "invalid" if errors else "valid",
                "error": "; ".join(errors),
            }
        )
    return results


def test_the_backend_tls_policy_schema_rejects_broken_policies():
    good = by_kind(kustomize_build(K8S / "overlays" / "dev"))["BackendTLSPolicy"]["identity"]
    assert own_schema_results([good])[0]["status"] == "valid"
    for path, value in [
        (("spec", "validation", "hostname"), "Identity_Service"),
        (("spec", "targetRefs"), []),
        (("spec", "validation", "wellKnownCACertificates"), "System"),  # both sources
        (("spec", "validation", "caCertficateRefs"), []),  # misspelt
    ]:
        broken = json.loads(json.dumps(good))
        holder = broken
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = value
        assert own_schema_results([broken])[0]["status"] == "invalid", path
    missing = json.loads(json.dumps(good))
    del missing["spec"]["validation"]["hostname"]
    assert own_schema_results([missing])[0]["status"] == "invalid"


# --- the generator and the tools -----------------------------------------------------------


def test_generated_base_matches_its_table():
    spec = importlib.util.spec_from_file_location("k8s_generate", K8S / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    stale = [
        str(path.relative_to(REPO_ROOT))
        for path, text in module.render().items()
        if not path.is_file() or path.read_text() != text
    ]
    assert stale == [], "run .venv/bin/python deploy/k8s/generate.py"
    assert [p.name for p in module.PROCESSES] == list(PROCESSES)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_overlay_passes_strict_schema_validation(built, env, tmp_path):
    assert_schema_valid(built[env], tmp_path)


@pytest.mark.parametrize("path", ["deploy/k8s/cluster", "deploy/observability"])
def test_add_on_resources_pass_strict_schema_validation(path, tmp_path):
    assert_schema_valid(kustomize_build(REPO_ROOT / path), tmp_path)


def test_kustomize_rejects_a_missing_patch(tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "base.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (overlay / "kustomization.yaml").write_text(
        "resources:\n  - base.yaml\npatches:\n  - path: missing.yaml\n"
    )
    result = run([kubectl(), "kustomize", str(overlay)])
    assert result.returncode != 0
    assert "missing.yaml" in result.stderr


def test_kubernetes_validate_rejects_wrong_types_and_unknown_fields(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
        "spec:\n  replicas: two\n  selector: {matchLabels: {a: b}}\n"
        "  template:\n    metadata: {labels: {a: b}}\n"
        "    spec: {containers: [{name: c, image: i, livenessProbes: {}}]}\n"
    )
    result = kubernetes_validate(broken)
    assert result.returncode != 0
    assert "replicas" in result.stdout or "livenessProbes" in result.stdout


def test_an_unknown_kind_fails_the_combined_check(tmp_path):
    text = "apiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: w\n"
    with pytest.raises(AssertionError):
        assert_schema_valid(text, tmp_path)


def test_crd_schema_rejects_a_broken_external_secret(tmp_path):
    text = (
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n"
        "metadata:\n  name: x\nspec:\n  secretStoreRef: {kind: SecretStore, name: 7}\n"
        "  data: [{secretKey: A}]\n"
    )
    [result] = validate_custom_resources(text)
    assert result["status"] == "invalid", result


def test_crd_schema_rejects_a_broken_http_route(tmp_path):
    """The Gateway API schemas (npm @kubernetes-models/gateway-api) check the routes."""
    text = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\n"
        "spec:\n  rules: [{matches: [{path: {type: Prefix, value: /a}}]}]\n"
    )
    [result] = validate_custom_resources(text)
    assert result["status"] == "invalid", result
    assert "type" in result["error"]


def test_the_operator_serves_the_external_secrets_api_version(built):
    """External Secrets serves external-secrets.io/v1 from 0.16 (v1beta1 is deprecated and
    no longer served from 0.17): every store and secret uses v1, and the pin is >= 0.16."""
    app = yaml.safe_load((REPO_ROOT / "deploy/argocd/apps/base/external-secrets.yaml").read_text())
    [chart] = [s for s in app["spec"]["sources"] if s.get("chart") == "external-secrets"]
    assert tuple(int(n) for n in chart["targetRevision"].split(".")[:2]) >= (0, 16)
    versions = {
        doc["apiVersion"]
        for text in (*built.values(), kustomize_build(REPO_ROOT / "deploy/observability"))
        for doc in documents(text)
        if doc["apiVersion"].startswith("external-secrets.io/")
    }
    assert versions == {"external-secrets.io/v1"}


# --- what the platform contract asks of every process ---------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_process_has_its_resources(built, env):
    kinds = by_kind(built[env])
    for name in PROCESSES:
        for kind in ("ServiceAccount", "Deployment", "Service", "PodDisruptionBudget"):
            assert name in kinds[kind], f"{kind} {name} missing in {env}"
        assert f"{name}-config" in kinds["ConfigMap"]
        assert f"{name}-secrets" in kinds["ExternalSecret"]
        assert name in kinds["NetworkPolicy"]
        assert name in kinds["ServiceMonitor"]
        assert (name in kinds["HorizontalPodAutoscaler"]) == (name not in SINGLETONS)
    assert set(kinds["Deployment"]) == set(PROCESSES)
    # Secrets come from External Secrets Operator only; none is ever committed.
    assert "Secret" not in kinds


def containers(deployment: dict) -> list[dict]:
    return deployment["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("name", PROCESSES)
def test_probes_ports_and_commands(built, name):
    deployment = by_kind(built["production"])["Deployment"][name]
    [app] = containers(deployment)
    port = 8000 if name in WEB else 9100
    # Every process serves HTTPS (TLS between parts), so the kubelet probes over HTTPS.
    scheme = {"port": "https", "scheme": "HTTPS"}
    assert app["ports"] == [{"name": "https", "containerPort": port, "protocol": "TCP"}]
    assert app["livenessProbe"]["httpGet"] == {"path": "/health", **scheme}
    assert app["readinessProbe"]["httpGet"] == {"path": "/ready", **scheme}
    assert app["startupProbe"]["httpGet"] == {"path": "/health", **scheme}
    if name in WEB:
        assert "command" not in app  # the image's gunicorn CMD, set by config/gunicorn.py
    else:
        assert app["command"] == WORKER_COMMANDS[name]
        assert {"name": "METRICS_PORT", "value": "9100"} in app["env"]


@pytest.mark.parametrize("name", PROCESSES)
def test_graceful_shutdown_fits_the_grace_period(built, name):
    pod = by_kind(built["production"])["Deployment"][name]["spec"]["template"]["spec"]
    [app] = pod["containers"]
    assert pod["terminationGracePeriodSeconds"] >= 30
    if name in WEB:
        # config/gunicorn.py: /ready answers 503 for the drain (still serving), then
        # in-flight requests get gunicorn's graceful timeout; both must fit.
        config = by_kind(built["production"])["ConfigMap"][f"{name}-config"]["data"]
        drain = float(config["SHUTDOWN_DRAIN_SECONDS"])
        probe = app["readinessProbe"]
        # Long enough for the failing probe to take the pod out of the endpoints.
        assert drain >= probe["periodSeconds"] * probe["failureThreshold"]
        assert drain + gunicorn.graceful_timeout < pod["terminationGracePeriodSeconds"]
        # The drain keeps serving while endpoints are removed: no preStop pause on top.
        assert "lifecycle" not in app


def test_the_gateway_reaches_each_domain_at_its_own_service(built):
    kinds = by_kind(built["production"])
    urls = dict(
        pair.strip().split("=", 1)
        for pair in kinds["ConfigMap"]["gateway-config"]["data"]["GATEWAY_NEW_BASE_URLS"].split(",")
    )
    assert sorted(urls) == sorted(DOMAINS)
    for domain, url in urls.items():
        service = kinds["Service"][domain]
        # Over TLS, verified by the gateway against the internal CA (INTERNAL_CA_FILE).
        assert url == f"https://{domain}:{service['spec']['ports'][0]['port']}"
        data = kinds["ConfigMap"][f"{domain}-config"]["data"]
        assert data["SERVICE"] == domain
        # The domain accepts the Host the gateway sends (its Service name) in addition
        # to the public host of platform-common, which the Gateway sends: not instead.
        assert data["INTERNAL_HOSTS"] == domain
        assert "ALLOWED_HOSTS" not in data


@pytest.mark.parametrize("name", PROCESSES)
def test_pods_run_non_root_read_only_and_bounded(built, name):
    pod = by_kind(built["production"])["Deployment"][name]["spec"]["template"]["spec"]
    [app] = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    sc = app["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(app["resources"][bound])


@pytest.mark.parametrize("name", PROCESSES)
def test_each_process_gets_only_its_own_database(built, name):
    kinds = by_kind(built["dev"])
    keys = {d["secretKey"] for d in kinds["ExternalSecret"][f"{name}-secrets"]["spec"]["data"]}
    service = kinds["ConfigMap"][f"{name}-config"]["data"]["SERVICE"]
    urls = {k for k in keys if k.startswith("DATABASE_URL_")}
    if service == "all":
        assert len(urls) == 7
    else:
        alias = "DEFAULT" if service == "gateway" else service.upper()
        assert urls == {f"DATABASE_URL_{alias}"}
    assert {"SECRET_KEY", "REDIS_URL"} <= keys


SHA_TAG = re.compile(r"^registry\.platform\.example\.org/platform/app:[0-9a-f]{40}$")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_images_are_one_sha_tag_per_environment(built, env):
    kinds = by_kind(built[env])
    images = {c["image"] for d in kinds["Deployment"].values() for c in containers(d)}
    images |= {
        c["image"] for c in kinds["Job"]["migrate"]["spec"]["template"]["spec"]["containers"]
    }
    assert len(images) == 1
    assert SHA_TAG.match(images.pop())


@pytest.mark.parametrize(
    ("env", "replicas", "host", "issuer"),
    [
        ("dev", (1, 2), "dev.platform.example.org", "letsencrypt-staging"),
        ("staging", (2, 4), "staging.platform.example.org", "letsencrypt-production"),
        ("production", (3, 10), "platform.example.org", "letsencrypt-production"),
    ],
)
def test_overlay_values(built, env, replicas, host, issuer):
    kinds = by_kind(built[env])
    assert (
        kinds["Namespace"][f"platform-{env}"]["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"
        ]
        == "restricted"
    )
    assert {
        (h["spec"]["minReplicas"], h["spec"]["maxReplicas"])
        for h in kinds["HorizontalPodAutoscaler"].values()
    } == {replicas}
    gateway = kinds["Gateway"]["platform"]
    assert gateway["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == issuer
    listeners = {listener["name"]: listener for listener in gateway["spec"]["listeners"]}
    assert {name: listener["hostname"] for name, listener in listeners.items()} == {
        "http": host,
        "https": host,
    }
    assert listeners["https"]["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "platform-gateway-tls"}],
    }
    assert {name: route["spec"]["hostnames"] for name, route in kinds["HTTPRoute"].items()} == {
        "platform": [host],
        "platform-https-redirect": [host],
    }
    common = kinds["ConfigMap"]["platform-common"]["data"]
    assert common["ALLOWED_HOSTS"] == host
    # Links in e-mails and credentials name the public host, over HTTPS.
    assert common["IDENTITY_FRONTEND_URL"] == common["PASSPORT_PUBLIC_ORIGIN"] == f"https://{host}"
    # Probes and scrapes address pods by IP (django-allow-cidr).
    assert common["ALLOWED_CIDR_NETS"] == POD_NETWORK
    # The environment's OKMS domain (its endpoint and id: tests/infra/test_platform_tls.py).
    assert set(kinds["SecretStore"]["platform-secrets"]["spec"]["provider"]) == {"ovh"}
    assert all(
        doc["metadata"].get("namespace") in (None, f"platform-{env}")
        for doc in documents(built[env])
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_http_route_sends_each_domains_paths_to_its_service(built, env):
    kinds = by_kind(built[env])
    route = kinds["HTTPRoute"]["platform"]
    assert route["spec"]["parentRefs"] == [{"name": "platform", "sectionName": "https"}]
    rules = route["spec"]["rules"]
    routes = {r["matches"][0]["path"]["value"]: r["backendRefs"][0]["name"] for r in rules}
    assert len(routes) == len(rules), "a path routed twice"
    # Exactly these: each domain's prefixes to its own Service and no other, "/" (the
    # legacy contract paths, /ops/gateway/) to the gateway.
    assert routes == PUBLIC_ROUTES
    for domain in DOMAINS:
        assert f"/api/v1/{domain}" in routes
    for rule in rules:
        # Longest prefix by path element wins, so "/p" never takes /passport/...
        [match] = rule["matches"]
        assert match["path"]["type"] == "PathPrefix"
        [backend] = rule["backendRefs"]
        service = kinds["Service"][backend["name"]]
        assert backend["port"] in [p["port"] for p in service["spec"]["ports"]]
    # Plain HTTP only redirects (cert-manager's exact ACME challenge routes win over it).
    [redirect] = kinds["HTTPRoute"]["platform-https-redirect"]["spec"]["rules"]
    assert redirect == {
        "filters": [
            {
                "type": "RequestRedirect",
                "requestRedirect": {"scheme": "https", "statusCode": 301},
            }
        ]
    }


def test_certificates_are_issued_through_the_gateway():
    """cert-manager answers HTTP-01 through the Gateway's plain-HTTP listener, never
    through an ingress controller (ingress-nginx is retired)."""
    cluster = by_kind(kustomize_build(K8S / "cluster"))
    assert cluster["GatewayClass"]["envoy"]["spec"]["controllerName"] == (
        "gateway.envoyproxy.io/gatewayclass-controller"
    )
    for issuer in cluster["ClusterIssuer"].values():
        [solver] = issuer["spec"]["acme"]["solvers"]
        assert solver == {
            "http01": {
                "gatewayHTTPRoute": {
                    "parentRefs": [{"kind": "Gateway", "name": "platform", "sectionName": "http"}]
                }
            }
        }
    values = yaml.safe_load((REPO_ROOT / "deploy/observability/helm/cert-manager.yaml").read_text())
    assert values["config"]["enableGatewayAPI"] is True


def test_the_pod_network_is_no_node_subnet():
    """ALLOWED_CIDR_NETS admits pod IPs only: the environments' node and database
    subnets (Terraform) lie outside it."""
    pods = ipaddress.ip_network(POD_NETWORK)
    subnets = [
        ipaddress.ip_network(m)
        for path in (REPO_ROOT / "terraform" / "environments").glob("*/terraform.tfvars")
        for m in re.findall(r'^subnet_cidr\s*=\s*"([^"]+)"', path.read_text(), re.MULTILINE)
    ]
    assert len(subnets) == len(ENVIRONMENTS)
    assert not any(pods.overlaps(subnet) for subnet in subnets)


def test_production_pods_are_sized_up(built):
    def memory(env: str) -> str:
        deployment = by_kind(built[env])["Deployment"]["gateway"]
        return containers(deployment)[0]["resources"]["limits"]["memory"]

    assert (memory("dev"), memory("production")) == ("512Mi", "1Gi")


def test_network_starts_from_default_deny(built):
    policies = by_kind(built["production"])["NetworkPolicy"]
    deny = policies["default-deny-all"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    # Every web process accepts traffic from the Gateway's Envoy proxies (they route to
    # each), no worker does.
    from_ingress = [
        name
        for name, policy in policies.items()
        for rule in policy["spec"].get("ingress", [])
        for source in rule.get("from", [])
        if source.get("namespaceSelector", {})
        .get("matchLabels", {})
        .get("kubernetes.io/metadata.name")
        == "envoy-gateway-system"
    ]
    assert sorted(from_ingress) == sorted([*WEB, "allow-acme-http01-solver"])


def test_migrations_run_before_the_rollout(built):
    kinds = by_kind(built["staging"])
    job = kinds["Job"]["migrate"]
    annotations = job["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "Sync"
    assert int(annotations["argocd.argoproj.io/sync-wave"]) < 0
    assert containers({"spec": job["spec"]})[0]["command"] == ["python", "manage.py", "migrate_all"]
    # Its Secret and store exist in an earlier wave than the Job.
    for kind, name in (("ExternalSecret", "migrate-secrets"), ("SecretStore", "platform-secrets")):
        wave = kinds[kind][name]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        assert int(wave) < int(annotations["argocd.argoproj.io/sync-wave"])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_pod_verifies_the_managed_services_against_their_ca_bundle(built, env):
    """verify-full needs the CA the managed services sign with (not the public bundle):
    Terraform writes it to platform/tls (ca.crt); every pod mounts it where
    DATABASE_SSLROOTCERT points."""
    kinds = by_kind(built[env])
    common = kinds["ConfigMap"]["platform-common"]["data"]
    assert common["DATABASE_SSLMODE"] == "verify-full"
    rootcert = Path(common["DATABASE_SSLROOTCERT"])
    [entry] = kinds["ExternalSecret"]["platform-tls"]["spec"]["data"]
    assert entry == {
        "secretKey": rootcert.name,
        "remoteRef": {"key": "platform/tls", "property": "ca.crt"},
    }
    pods = [
        d["spec"]["template"]["spec"]
        for d in (*kinds["Deployment"].values(), kinds["Job"]["migrate"])
    ]
    for pod in pods:
        [volume] = [
            v for v in pod["volumes"] if v.get("secret", {}).get("secretName") == "platform-tls"
        ]
        [mount] = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == volume["name"]]
        assert (mount["mountPath"], mount["readOnly"]) == (str(rootcert.parent), True)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_process_serves_its_own_certificate_from_the_internal_ca(built, env):
    """TLS between parts (docs/runbooks/internal-tls.md): each process, web part or
    worker, has a Certificate from the internal CA naming its Service, mounts its Secret,
    and serves it on its port: gunicorn's --certfile, a worker's METRICS_CERT_FILE."""
    kinds = by_kind(built[env])
    namespace = next(iter(kinds["Namespace"]))
    for name in PROCESSES:
        spec = kinds["Certificate"][f"{name}-tls"]["spec"]
        assert spec["issuerRef"] == {"kind": "Issuer", "name": "platform-internal-ca"}
        assert spec["secretName"] == f"{name}-tls"
        assert spec["dnsNames"] == [name, f"{name}.{namespace}", f"{name}.{namespace}.svc",
                                    f"{name}.{namespace}.svc.cluster.local"]  # fmt: skip
        pod = kinds["Deployment"][name]["spec"]["template"]["spec"]
        [app] = pod["containers"]
        [volume] = [
            v for v in pod["volumes"] if v.get("secret", {}).get("secretName") == f"{name}-tls"
        ]
        assert volume["secret"]["defaultMode"] == 0o440  # the key: the pod's group only
        [mount] = [m["mountPath"] for m in app["volumeMounts"] if m["name"] == volume["name"]]
        env_vars = {e["name"]: e.get("value") for e in app["env"]}
        if name in WEB:
            served = env_vars["GUNICORN_CMD_ARGS"].split()
            served = served[served.index("--certfile") + 1], served[served.index("--keyfile") + 1]
        else:
            served = env_vars["METRICS_CERT_FILE"], env_vars["METRICS_KEY_FILE"]
        assert served == (f"{mount}/tls.crt", f"{mount}/tls.key"), name
        assert env_vars["INTERNAL_CA_FILE"] == f"{mount}/ca.crt"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_scrape_is_https_verified_as_the_service_name(built, env):
    """Prometheus sends the scrape token to every process: only over HTTPS, verifying the
    pod's certificate against the internal CA as the Service's name."""
    kinds = by_kind(built[env])
    assert set(kinds["ServiceMonitor"]) == set(PROCESSES)
    for name, monitor in kinds["ServiceMonitor"].items():
        [service_port] = kinds["Service"][name]["spec"]["ports"]
        certificate = kinds["Certificate"][f"{name}-tls"]["spec"]
        for endpoint in monitor["spec"]["endpoints"]:
            assert endpoint["port"] == service_port["name"] == "https", name
            assert endpoint["scheme"] == "https", name
            tls = endpoint["tlsConfig"]
            assert tls["ca"] == {"secret": {"name": f"{name}-tls", "key": "ca.crt"}}
            assert tls["serverName"] in certificate["dnsNames"]
            assert "insecureSkipVerify" not in tls
            assert endpoint["authorization"]["credentials"]["key"] == "METRICS_TOKEN"
