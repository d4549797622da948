"""What reaches a web process from the edge of the cluster, and whether it is answered.

- The Host check. The kubelet's probes and Prometheus's scrapes address a pod by its IP
  (``Host: 10.2.7.9:8000``). With ``ALLOWED_CIDR_NETS`` set to the pod network they are
  answered; an IP outside it and an unknown name still get 400, the public host keeps
  working. A domain process configured as its ConfigMaps configure it in Kubernetes
  also answers its Service name (``INTERNAL_HOSTS``, what the gateway sends).
- The routing. Every URL the platform mounts reaches, through the HTTPRoute rendered in
  ``deploy/k8s/base/common/gateway.yaml``, the process that serves it: a domain's URLs
  its own Service, the rest the gateway.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from allow_cidr import middleware as allow_cidr_middleware
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.processes import REPO, clean_environment, database_urls_for, run_django

pytestmark = pytest.mark.django_db(databases="__all__")

POD_NETWORK = "10.2.0.0/16"  # deploy/k8s/base/common/config.yaml
PUBLIC_HOST = "platform.example.org"
POD_IP_HOST = "10.2.7.9:8000"
REFUSED_HOSTS = (
    "10.3.0.10:8000",  # the cluster's Service network, not the pods'
    "192.168.1.5",
    "[::1]:8000",
    "evil.example",
    "10.2.7.9.evil.example",
)
GATEWAY = REPO / "deploy" / "k8s" / "base" / "common" / "gateway.yaml"


@pytest.fixture
def cluster_client(settings, monkeypatch) -> Client:
    """A client of a process configured as in the cluster.

    The middleware reads the settings when the client's handler loads it (at its first
    request), then sets ALLOWED_HOSTS to "*" in the settings (undone after the test by
    the settings fixture) and keeps the original list in a module global, which would
    outlive the test: it gets a fresh list here, and the old one back afterwards.
    """
    monkeypatch.setattr(allow_cidr_middleware, "ORIG_ALLOWED_HOSTS", [])
    settings.ALLOWED_HOSTS = [PUBLIC_HOST]
    settings.ALLOWED_CIDR_NETS = [POD_NETWORK]
    return Client()


@pytest.mark.parametrize("path", ["/health", "/ready", "/metrics"])
def test_probes_and_scrapes_by_pod_ip_are_answered(cluster_client, path, settings):
    scraper = {"authorization": f"Bearer {settings.METRICS_TOKEN}"} if path == "/metrics" else {}
    response = cluster_client.get(path, headers={"host": POD_IP_HOST, **scraper})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_other_ips_and_unknown_names_are_refused(cluster_client, host):
    for path in ("/ready", "/metrics", "/api/v1/marketplace/spaces"):
        response = cluster_client.get(path, headers={"host": host})
        assert response.status_code == 400, (path, host)
        assert response["Content-Type"] == "application/problem+json"


def test_the_public_host_keeps_working(cluster_client):
    for path in ("/ready", "/api/v1/marketplace/spaces"):
        response = cluster_client.get(path, headers={"host": PUBLIC_HOST})
        assert response.status_code == 200, (path, response.content)


def test_without_a_pod_network_a_pod_ip_is_refused(settings, client):
    settings.ALLOWED_HOSTS = [PUBLIC_HOST]
    settings.ALLOWED_CIDR_NETS = []  # the default: the middleware steps aside
    assert client.get("/ready", headers={"host": POD_IP_HOST}).status_code == 400
    assert client.get("/ready", headers={"host": PUBLIC_HOST}).status_code == 200


# --- a domain process started with the environment of its Kubernetes ConfigMaps ------------

HOSTS_PROBE = """
import json, os
from django.test import Client
c = Client()
scraper = {"authorization": "Bearer " + os.environ["METRICS_TOKEN"]}
print(json.dumps([
    [p, h, c.get(p, headers={"host": h, **(scraper if p == "/metrics" else {})}).status_code]
    for p, h in CHECKS
]))
"""


def test_a_domain_pod_answers_public_host_service_name_and_pod_ips():
    env = clean_environment(
        SERVICE="learning",
        **database_urls_for("learning"),
        ALLOWED_HOSTS=PUBLIC_HOST,  # platform-common
        ALLOWED_CIDR_NETS=POD_NETWORK,  # platform-common
        INTERNAL_HOSTS="learning",  # learning-config
    )
    checks = [
        ("/api/v1/learning/activities", PUBLIC_HOST),  # through the Gateway
        ("/xapi/about", PUBLIC_HOST),
        ("/api/v1/learning/activities", "learning:8000"),  # from the gateway
        ("/ready", POD_IP_HOST),  # the kubelet
        ("/metrics", POD_IP_HOST),  # Prometheus
        ("/ready", "10.3.0.10:8000"),
        ("/api/v1/learning/activities", "gateway:8000"),
        ("/api/v1/learning/activities", "evil.example"),
    ]
    result = run_django(f"CHECKS = {checks!r}\n" + HOSTS_PROBE, env)
    assert result.returncode == 0, result.stderr
    status = {(path, host): code for path, host, code in json.loads(result.stdout.splitlines()[-1])}
    assert status == {
        ("/api/v1/learning/activities", PUBLIC_HOST): 200,
        ("/xapi/about", PUBLIC_HOST): 200,
        ("/api/v1/learning/activities", "learning:8000"): 200,
        ("/ready", POD_IP_HOST): 200,
        ("/metrics", POD_IP_HOST): 200,
        ("/ready", "10.3.0.10:8000"): 400,
        ("/api/v1/learning/activities", "gateway:8000"): 400,
        ("/api/v1/learning/activities", "evil.example"): 400,
    }


def test_a_malformed_pod_network_stops_start_up_with_its_name():
    env = clean_environment(ALLOWED_CIDR_NETS="10.2.0.0/33", DEBUG="true")
    result = run_django("print('started')", env)
    assert result.returncode != 0
    assert "ALLOWED_CIDR_NETS" in result.stderr
    assert "10.2.0.0/33" in result.stderr


# --- the HTTPRoute sends every mounted URL to the process that serves it --------------------


def route_paths() -> list[dict]:
    """The public HTTPRoute's rules as (path prefix, Service) pairs."""
    [route] = [
        doc
        for doc in yaml.safe_load_all(Path(GATEWAY).read_text())
        if doc["kind"] == "HTTPRoute" and doc["metadata"]["name"] == "platform"
    ]
    paths = []
    for rule in route["spec"]["rules"]:
        [match] = rule["matches"]
        [backend] = rule["backendRefs"]
        paths.append({**match["path"], "service": backend["name"]})
    return paths


def ingress_backend(paths: list[dict], path: str) -> str:
    """The Service the route sends ``path`` to: of the PathPrefix matches (element by
    element), the longest (the Gateway API's precedence rule)."""
    parts = path.split("/")

    def elements(prefix: str) -> list[str]:
        return prefix.rstrip("/").split("/")

    matching = [p for p in paths if parts[: len(elements(p["value"]))] == elements(p["value"])]
    assert all(p["type"] == "PathPrefix" for p in paths)
    best = max(matching, key=lambda p: len(elements(p["value"])))
    return best["service"]


def _literal(pattern) -> str:
    """The fixed start of a URL pattern, before any converter or regex syntax."""
    if isinstance(pattern, RoutePattern):
        return str(pattern).split("<")[0]
    return re.split(r"[(\[?$\\.*+|]", str(pattern).lstrip("^"))[0]


def _owner(resolver: URLResolver) -> str:
    """The process serving an included URL conf: the domain whose package it lives in,
    the back office (``admin``, every part) for the admin, the gateway for the rest."""
    if resolver.app_name == "admin":
        return "admin"
    module = resolver.urlconf_name
    name = module.__name__ if isinstance(module, ModuleType) else str(module)
    top, _, rest = name.partition(".")
    return rest.split(".")[0] if top == "domains" else "gateway"


def _leaf_paths(patterns, prefix: str):
    for pattern in patterns:
        here = prefix + _literal(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _leaf_paths(pattern.url_patterns, here)
        else:
            assert isinstance(pattern, URLPattern)
            yield here


def mounted_urls() -> list[tuple[str, str]]:
    """(a path of each URL this all-in-one process mounts, the process serving it)."""
    urls = []
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver):
            owner = _owner(top)
            urls += [(path, owner) for path in _leaf_paths([top], "/")]
        elif top.name in ("schema", "docs"):
            # Every part's endpoints: the back office loads every part.
            urls.append(("/" + _literal(top.pattern), "admin"))
        else:
            urls.append(("/" + _literal(top.pattern), "gateway"))  # every process serves it
    return urls


def test_every_mounted_url_reaches_its_process_through_the_gateway():
    paths = route_paths()
    urls = mounted_urls()
    # The walk sees every domain's URLs, so a domain mounted nowhere cannot pass unseen.
    assert {owner for _, owner in urls} == {
        "gateway",
        "admin",
        "identity",
        "learning",
        "reputation",
        "passport",
        "governance",
        "marketplace",
    }
    misrouted = [
        (path, owner, b) for path, owner in urls if (b := ingress_backend(paths, path)) != owner
    ]
    assert misrouted == []
    # The gateway keeps the legacy contract paths and what no domain claims.
    assert ingress_backend(paths, "/api/spaces/7") == "gateway"
    assert ingress_backend(paths, "/passport") == "gateway"
