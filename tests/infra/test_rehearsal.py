"""The Kubernetes rehearsal's pure parts: manifest -> plan, the NetworkPolicy evaluator and
the static checks it runs before starting anything (deploy/rehearsal/).

The breakage tests take the real rendered dev overlay, break one thing the way a bad
change would, and assert the message the rehearsal stops with. The real run (Podman)
is in test_rehearsal_run.py, marked slow.
"""

from __future__ import annotations

import copy

import pytest

from deploy.rehearsal import checks, plan, policy, proxy
from deploy.rehearsal.manifests import Manifests
from tests.infra.tools import REPO_ROOT, kustomize_build

DEV = REPO_ROOT / "deploy" / "k8s" / "overlays" / "dev"


@pytest.fixture(scope="module")
def rendered() -> str:
    return kustomize_build(DEV)


@pytest.fixture
def manifests(rendered) -> Manifests:
    return Manifests.parse(rendered)


def failures_of(manifests: Manifests) -> list[str]:
    return [str(f) for f in checks.run_all(manifests, plan.build(manifests), "dev")]


# --- manifest -> plan -------------------------------------------------------------------------


def test_the_plan_runs_the_migration_hook_then_every_process(manifests):
    built = plan.build(manifests)
    assert [w.name for w in built.hooks] == ["migrate"]
    assert {w.part for w in built.workloads} == {
        "gateway", "admin", "identity", "learning", "reputation", "passport", "governance",
        "marketplace", "relay", "consumer-governance", "consumer-passport",
        "consumer-reputation", "projections", "celery-worker",
        "celery-beat",
    }  # fmt: skip
    # Named targetPorts are resolved against the selected pods' container ports.
    assert built.service_port("identity", 8000).target_port == 8000
    assert built.service_port("projections", 9100).target_port == 9100
    assert "NetworkPolicy" in built.skipped and "Job" in built.skipped


def test_a_service_whose_target_port_differs_keeps_both(manifests):
    svc = manifests.of("Service")["learning"]
    svc["spec"]["ports"] = [{"name": "https", "port": 80, "targetPort": "https"}]
    built = plan.build(manifests)
    assert built.service_port("learning", 80).target_port == 8000
    assert built.service_port("learning", 8000) is None


def test_the_dev_overlay_passes_every_static_check(manifests):
    assert failures_of(manifests) == []


# --- the checks name the cause -----------------------------------------------------------------


def test_a_domain_without_auth_jwks_url_is_named(manifests):
    del manifests.of("ConfigMap")["learning-config"]["data"]["AUTH_JWKS_URL"]
    del manifests.of("ConfigMap")["platform-common"]["data"]["AUTH_JWKS_URL"]
    assert failures_of(manifests) == [
        "[jwks] learning: AUTH_JWKS_URL is not set (SERVICE=learning): the default "
        "http://127.0.0.1:8000/.well-known/jwks.json is this pod, which answers 404, so every "
        "authenticated request would be refused"
    ]


def test_a_jwks_url_at_another_service_is_named(manifests):
    data = manifests.of("ConfigMap")["passport-config"]["data"]
    data["AUTH_JWKS_URL"] = "http://learning:8000/.well-known/jwks.json"
    found = failures_of(manifests)
    assert any(f.startswith("[jwks] passport: AUTH_JWKS_URL=http://learning:8000") for f in found)


def test_a_worker_probe_on_another_port_is_named(manifests):
    [app] = manifests.of("Deployment")["projections"]["spec"]["template"]["spec"]["containers"]
    app["readinessProbe"]["httpGet"]["port"] = 9200
    assert failures_of(manifests) == [
        "[probes] projections: readinessProbe targets port 9200 (9200) but the process "
        "serves /health and /ready on port 9100"
    ]


def test_a_worker_serving_another_port_than_its_probes_is_named(manifests):
    [app] = manifests.of("Deployment")["celery-beat"]["spec"]["template"]["spec"]["containers"]
    app["ports"][0]["containerPort"] = 9300  # the probes follow the named port, not the server
    found = failures_of(manifests)
    assert (
        "[probes] celery-beat: livenessProbe targets port 'https' (9300) but the process "
        "serves /health and /ready on port 9100" in found
    )


def test_a_consumer_of_a_group_nobody_subscribes_is_named(manifests):
    """The rehearsal's first run found it: consumer-marketplace exited at start."""
    [app] = manifests.of("Deployment")["consumer-reputation"]["spec"]["template"]["spec"][
        "containers"
    ]
    app["command"][-1] = "marketplace"
    assert failures_of(manifests) == [
        "[consumers] consumer-reputation: consume_events --group marketplace under "
        "SERVICE=reputation, whose domains subscribe ['reputation']: it would exit at start"
    ]


def test_beat_without_its_writable_data_folder_is_named(manifests):
    pod = manifests.of("Deployment")["celery-beat"]["spec"]["template"]["spec"]
    [app] = pod["containers"]
    app["volumeMounts"] = [m for m in app["volumeMounts"] if m["mountPath"] != "/app/var"]
    assert failures_of(manifests) == [
        "[writable] celery-beat: /app/var is on the read-only root filesystem (no writable mount)"
    ]


def test_the_otlp_endpoint_on_the_grpc_port_is_named(manifests):
    data = manifests.of("ConfigMap")["platform-common"]["data"]
    data["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel-collector.observability.svc:4317"
    found = failures_of(manifests)
    assert (
        "[otlp] gateway: OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability.svc:4317: "
        "port 4317 is the Collector's grpc receiver, but the app exports http/protobuf, "
        "received on port 4318" in found
    )


def test_a_policy_no_longer_allowing_domains_to_identity_is_named(manifests):
    identity = manifests.of("NetworkPolicy")["identity"]
    [rule] = identity["spec"]["ingress"]
    rule["from"] = [p for p in rule["from"] if "podSelector" not in p]
    found = failures_of(manifests)
    for domain in ("learning", "reputation", "passport", "governance", "marketplace"):
        assert any(
            f.startswith(f"[network] {domain} -> identity:8000: blocked (JWKS (AUTH_JWKS_URL))")
            and "ingress of identity is limited by default-deny-all, identity" in f
            for f in found
        ), found


def test_a_caller_without_egress_to_identity_is_named(manifests):
    learning = manifests.of("NetworkPolicy")["learning"]
    learning["spec"]["egress"] = []
    found = failures_of(manifests)
    assert any(
        f.startswith("[network] learning -> identity:8000: blocked") and "egress of learning" in f
        for f in found
    ), found


def test_a_policy_allowing_a_domain_to_call_another_is_named(manifests):
    passport = manifests.of("NetworkPolicy")["passport"]
    passport["spec"]["ingress"][0]["from"].append(
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "learning"}}}
    )
    learning = manifests.of("NetworkPolicy")["learning"]
    learning["spec"]["egress"][0]["to"].append(
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "passport"}}}
    )
    assert failures_of(manifests) == [
        "[network] learning -> passport:8000: allowed by the NetworkPolicies, forbidden by "
        "the architecture"
    ]


def test_the_acme_solver_must_stay_reachable(manifests):
    del manifests.of("NetworkPolicy")["allow-acme-http01-solver"]
    found = failures_of(manifests)
    assert any(f.startswith("[network] envoy-gateway -> acme-http01-solver:8089") for f in found)


# --- the policy evaluator -------------------------------------------------------------------


def _policy(name, selector, types, ingress=None, egress=None, namespace="ns"):
    spec = {"podSelector": selector, "policyTypes": types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"metadata": {"name": name, "namespace": namespace}, "spec": spec}


A = policy.Peer("a", "ns", {"app": "a"}, named_ports={"http": 8000})
B = policy.Peer("b", "ns", {"app": "b"}, named_ports={"http": 8000})
OTHER_NS = policy.Peer("m", "monitoring", {"app": "prom"})
OUTSIDE = policy.Peer("db", ip="10.10.0.5")
NAMESPACES = {"monitoring": {"kubernetes.io/metadata.name": "monitoring"}}


def test_no_policy_means_open():
    assert policy.verdict([], NAMESPACES, A, B, 8000).allowed


def test_default_deny_blocks_both_directions():
    deny = [_policy("deny", {}, ["Ingress", "Egress"])]
    assert not policy.verdict(deny, NAMESPACES, A, B, 8000).allowed
    assert not policy.verdict(deny, NAMESPACES, OTHER_NS, B, 8000).allowed
    # Outside the namespace (no policy there) only the destination's side counts.
    assert not policy.verdict(deny, NAMESPACES, A, OUTSIDE, 5432).allowed


def test_both_sides_must_allow():
    deny = _policy("deny", {}, ["Ingress", "Egress"])
    to_b = [{"podSelector": {"matchLabels": {"app": "b"}}}]
    from_a = [{"podSelector": {"matchLabels": {"app": "a"}}}]
    egress = _policy(
        "a-out", {"matchLabels": {"app": "a"}}, ["Egress"],
        egress=[{"to": to_b, "ports": [{"port": 8000}]}],
    )  # fmt: skip
    ingress = _policy(
        "b-in", {"matchLabels": {"app": "b"}}, ["Ingress"],
        ingress=[{"from": from_a, "ports": [{"port": "http"}]}],
    )  # fmt: skip
    assert not policy.verdict([deny, egress], NAMESPACES, A, B, 8000).allowed
    result = policy.verdict([deny, ingress], NAMESPACES, A, B, 8000)
    assert not result.allowed and result.reason.startswith("egress of a is limited by deny")
    assert policy.verdict([deny, egress, ingress], NAMESPACES, A, B, 8000).allowed
    # The named port resolves to the destination's container port, and only that one.
    assert not policy.verdict([deny, egress, ingress], NAMESPACES, A, B, 9000).allowed


def test_namespace_and_pod_selectors_and_ip_blocks():
    monitoring = {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}
    ingress = _policy(
        "b-in", {"matchLabels": {"app": "b"}}, ["Ingress"],
        ingress=[{"from": [{"namespaceSelector": monitoring}]}],
    )  # fmt: skip
    assert policy.verdict([ingress], NAMESPACES, OTHER_NS, B, 8000).allowed
    # A bare podSelector means this namespace only.
    same_ns_only = _policy(
        "b-in", {"matchLabels": {"app": "b"}}, ["Ingress"],
        ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "prom"}}}]}],
    )  # fmt: skip
    assert not policy.verdict([same_ns_only], NAMESPACES, OTHER_NS, B, 8000).allowed
    data = _policy(
        "data", {}, ["Egress"],
        egress=[{"to": [{"ipBlock": {"cidr": "10.10.0.0/16", "except": ["10.10.9.0/24"]}}],
                 "ports": [{"port": 5432, "protocol": "TCP"}]}],
    )  # fmt: skip
    assert policy.verdict([data], NAMESPACES, A, OUTSIDE, 5432).allowed
    assert not policy.verdict([data], NAMESPACES, A, OUTSIDE, 6379).allowed
    excepted = policy.Peer("x", ip="10.10.9.1")
    assert not policy.verdict([data], NAMESPACES, A, excepted, 5432).allowed
    # A pod never matches an ipBlock (implementation-defined in Kubernetes).
    assert not policy.verdict([data], NAMESPACES, A, B, 5432).allowed


def test_match_expressions_and_port_ranges():
    egress = _policy(
        "smtp", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a"]}]},
        ["Egress"], egress=[{"ports": [{"port": 500, "endPort": 600}]}],
    )  # fmt: skip
    assert policy.verdict([egress], NAMESPACES, A, OUTSIDE, 587).allowed
    assert not policy.verdict([egress], NAMESPACES, A, OUTSIDE, 601).allowed
    assert policy.verdict([egress], NAMESPACES, B, OUTSIDE, 601).allowed  # not selected


# --- the reverse proxy is generated from the routes -----------------------------------------


def test_the_proxy_routes_every_http_route_rule(manifests):
    built = plan.build(manifests)
    config = proxy.nginx_config(built, resolver="10.89.0.1")
    for route in built.routes:
        if route.service:
            assert f"location ^~ {route.path.rstrip('/')}/" in config or route.path == "/"
            assert f"set $backend http://{route.service}:{route.port};" in config
    assert "return 301 https://$host$request_uri;" in config
    # Every rule is rendered once per path: a changed route changes the proxy.
    changed = copy.deepcopy(manifests)
    rule = changed.of("HTTPRoute")["platform"]["spec"]["rules"][0]
    rule["backendRefs"][0]["name"] = "gateway"
    assert proxy.nginx_config(plan.build(changed), resolver="10.89.0.1") != config
