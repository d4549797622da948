"""Argo CD app-of-apps: validated against the Argo CD CRD schemas, offline.

Each environment's cluster runs a root Application (installed by Terraform, in its own
`root` project, never `default`) that syncs deploy/argocd/apps/<env>: the add-ons (project
cluster-addons), the platform overlay (project platform) and the repository credential
(an ExternalSecret). The Applications are checked with the JSON schemas generated from
Argo CD's CRDs (npm @kubernetes-models/argo-cd), then for what the delivery design needs:
auto-sync with prune and self-heal everywhere, sources that exist in this repository,
destinations and kinds each project allows, no wildcard cluster-scoped kinds.
"""

from __future__ import annotations

import fnmatch
import re

import pytest
import yaml

from tests.infra.tools import (
    REPO_ROOT,
    documents,
    kustomize_build,
    validate_custom_resources,
)

ARGOCD = REPO_ROOT / "deploy" / "argocd"
ENVIRONMENTS = ("dev", "staging", "production")
REPO_URL = "https://github.com/example-org/learning-platform.git"


@pytest.fixture(scope="module")
def apps() -> dict[str, str]:
    return {env: kustomize_build(ARGOCD / "apps" / env) for env in ENVIRONMENTS}


def root(env: str) -> dict:
    [doc] = documents((ARGOCD / "root" / f"{env}.yaml").read_text())
    return doc


def applications(text: str) -> list[dict]:
    return [d for d in documents(text) if d["kind"] == "Application"]


def sources(app: dict) -> list[dict]:
    spec = app["spec"]
    return spec.get("sources") or [spec["source"]]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_apps_and_root_pass_the_crd_schema(apps, env):
    results = validate_custom_resources(
        apps[env]
        + "\n---\n"
        + (ARGOCD / "root" / f"{env}.yaml").read_text()
        + "\n---\n"
        + (ARGOCD / "root" / "project.yaml").read_text()
    )
    assert {r["kind"] for r in results} == {
        "Application",
        "AppProject",
        "ExternalSecret",
        "SecretStore",
    }
    assert [r for r in results if r["status"] != "valid"] == []


def test_the_crd_schema_rejects_broken_applications():
    broken = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: no-destination, namespace: argocd}
spec:
  project: platform
  source: {repoURL: x, path: y}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: wrong-type, namespace: argocd}
spec:
  project: platform
  destination: {server: https://kubernetes.default.svc}
  source: {repoURL: x, path: y}
  syncPolicy: {automated: {prune: "yes"}}
"""
    results = validate_custom_resources(broken)
    assert [r["status"] for r in results] == ["invalid", "invalid"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_application_auto_syncs_with_self_heal(apps, env):
    for app in [*applications(apps[env]), root(env)]:
        automated = app["spec"]["syncPolicy"]["automated"]
        assert automated == {"prune": True, "selfHeal": True}, app["metadata"]["name"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_root_is_an_app_of_apps_for_its_environment(env):
    app = root(env)
    assert app["metadata"] == {
        "name": "root",
        "namespace": "argocd",
        "finalizers": ["resources-finalizer.argocd.argoproj.io"],
    }
    assert app["spec"]["source"]["path"] == f"deploy/argocd/apps/{env}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_platform_application_tracks_its_overlay(apps, env):
    [platform] = [a for a in applications(apps[env]) if a["metadata"]["name"] == f"platform-{env}"]
    assert platform["spec"]["source"]["path"] == f"deploy/k8s/overlays/{env}"
    assert platform["spec"]["destination"]["namespace"] == f"platform-{env}"
    # The overlay's own namespace agrees with the Application's destination.
    overlay = kustomize_build(REPO_ROOT / "deploy/k8s/overlays" / env)
    assert f"platform-{env}" in {
        d["metadata"]["name"] for d in documents(overlay) if d["kind"] == "Namespace"
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_sources_exist_in_this_repository(apps, env):
    """A path or $values file that does not exist would only fail in the cluster."""
    for app in [*applications(apps[env]), root(env)]:
        refs = {s["ref"] for s in sources(app) if "ref" in s}
        for source in sources(app):
            if source["repoURL"] == REPO_URL:
                assert source["targetRevision"] == "main"
                if "path" in source:
                    assert (REPO_ROOT / source["path"] / "kustomization.yaml").is_file()
            else:
                # Charts are pinned to an exact version, never a range or "latest".
                assert source["chart"]
                assert re.fullmatch(r"v?\d+\.\d+\.\d+", source["targetRevision"])
            for values in source.get("helm", {}).get("valueFiles", []):
                ref, _, path = values.partition("/")
                assert ref.lstrip("$") in refs
                assert (REPO_ROOT / path).is_file(), values


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_destinations_are_allowed_by_the_project(apps, env):
    docs = documents(apps[env])
    projects = {d["metadata"]["name"]: d for d in docs if d["kind"] == "AppProject"}
    assert set(projects) == {"platform", "cluster-addons"}
    for app in applications(apps[env]):
        name = app["metadata"]["name"]
        expected = "platform" if name == f"platform-{env}" else "cluster-addons"
        assert app["spec"]["project"] == expected, name
        project = projects[expected]
        allowed = project["spec"]["destinations"]
        namespace = app["spec"]["destination"].get("namespace")
        if namespace:
            assert any(fnmatch.fnmatch(namespace, d["namespace"]) for d in allowed), namespace
        assert {s["repoURL"] for s in sources(app)} <= set(project["spec"]["sourceRepos"])


def project_documents(env: str, apps: dict[str, str]) -> list[dict]:
    root_project = documents((ARGOCD / "root" / "project.yaml").read_text())
    return [d for d in documents(apps[env]) if d["kind"] == "AppProject"] + root_project


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_project_allows_every_cluster_scoped_kind(apps, env):
    for project in project_documents(env, apps):
        for entry in project["spec"].get("clusterResourceWhitelist", []):
            assert "*" not in (entry["group"], entry["kind"]), project["metadata"]["name"]
    [platform] = [p for p in project_documents(env, apps) if p["metadata"]["name"] == "platform"]
    assert platform["spec"]["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    assert platform["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "platform-*"}
    ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_root_application_has_its_own_narrow_project(apps, env):
    assert root(env)["spec"]["project"] == "root"
    [project] = documents((ARGOCD / "root" / "project.yaml").read_text())
    assert project["metadata"]["name"] == "root"
    assert project["spec"]["clusterResourceWhitelist"] == []
    kinds = {(k["group"], k["kind"]) for k in project["spec"]["namespaceResourceWhitelist"]}
    # Everything the root Application syncs is one of those kinds, in argocd.
    for doc in documents(apps[env]):
        assert (doc["apiVersion"].split("/")[0], doc["kind"]) in kinds, doc["kind"]
        assert doc["metadata"]["namespace"] == "argocd"
    assert project["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "argocd"}
    ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_repository_credential_comes_from_external_secrets(apps, env):
    docs = documents(apps[env])
    [secret] = [d for d in docs if d["kind"] == "ExternalSecret"]
    [store] = [d for d in docs if d["kind"] == "SecretStore"]
    assert secret["spec"]["secretStoreRef"] == {
        "kind": "SecretStore",
        "name": store["metadata"]["name"],
    }
    target = secret["spec"]["target"]
    assert target["template"]["metadata"]["labels"] == {
        "argocd.argoproj.io/secret-type": "repository"
    }
    assert secret["spec"]["dataFrom"] == [{"extract": {"key": "platform/argocd/repository"}}]
    # The same OKMS domain as the platform's own SecretStore in this environment.
    platform_store = yaml.safe_load(
        (REPO_ROOT / "deploy/k8s/overlays" / env / "patches/secret-store.yaml").read_text()
    )
    for field in ("server", "okmsid"):
        assert (
            store["spec"]["provider"]["ovh"][field]
            == platform_store["spec"]["provider"]["ovh"][field]
        )


def test_paths_synced_by_argo_build(apps):
    """Every repository path an Application syncs builds with kubectl kustomize."""
    paths = {
        s["path"]
        for env in ENVIRONMENTS
        for app in applications(apps[env])
        for s in sources(app)
        if "path" in s
    }
    assert {"deploy/k8s/cluster", "deploy/observability"} <= paths
    for path in sorted(paths):
        assert documents(kustomize_build(REPO_ROOT / path)), path
