"""No manifest carries a secret value (docs/runbooks/secrets.md).

Secret values reach the cluster only through External Secrets (from the provider's
secret store) and are mounted or referenced by name; what is committed — rendered
overlays, Argo CD applications, the observability manifests — must hold none. Checked
on the rendered output, so a patch cannot slip one in:

- no ``Secret`` object with ``data``/``stringData``;
- no container ``env`` whose name says secret (password, secret, token, key, credential,
  or a URL that carries credentials) set by a literal ``value``;
- no ConfigMap value or literal env value that is a URL with a password in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.infra.tools import REPO_ROOT, documents, kustomize_build

ENVIRONMENTS = ("dev", "staging", "production")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(^|_)KEY$|CREDENTIAL|PRIVATE", re.IGNORECASE)
CREDENTIALED_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
#: Names that look secret but hold none (paths and identifiers, not values).
NOT_SECRET = {"INTERNAL_CA_FILE", "DATABASE_SSLROOTCERT", "OTEL_EXPORTER_OTLP_HEADERS_FILE"}


def _rendered() -> dict[str, list[dict]]:
    sources = {f"overlay {env}": REPO_ROOT / "deploy/k8s/overlays" / env for env in ENVIRONMENTS}
    rendered = {name: documents(kustomize_build(path)) for name, path in sources.items()}
    for folder in ("deploy/argocd", "deploy/observability"):
        for path in sorted((REPO_ROOT / folder).rglob("*.y*ml")):
            rendered[str(path.relative_to(REPO_ROOT))] = documents(path.read_text())
    return rendered


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec") or {}
    template = (spec.get("jobTemplate") or {}).get("spec", spec).get("template") or {}
    pod = template.get("spec") or (spec if doc.get("kind") == "Pod" else {})
    return [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]


def secret_values(docs: list[dict]) -> list[str]:
    """Every place in ``docs`` that carries a secret value, as readable strings."""
    found = []
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        kind, name = doc.get("kind"), (doc.get("metadata") or {}).get("name")
        if kind == "Secret" and (doc.get("data") or doc.get("stringData")):
            found.append(f"Secret {name} carries values")
        if kind == "ConfigMap":
            for key, value in (doc.get("data") or {}).items():
                if SECRET_NAME.search(key) and key not in NOT_SECRET and str(value).strip():
                    found.append(f"ConfigMap {name}: {key} has a value")
                if CREDENTIALED_URL.search(str(value)):
                    found.append(f"ConfigMap {name}: {key} is a URL with a password")
        for container in _containers(doc):
            for env in container.get("env") or []:
                if "value" not in env:
                    continue
                literal = str(env["value"])
                if SECRET_NAME.search(env["name"]) and env["name"] not in NOT_SECRET and literal:
                    found.append(f"{kind} {name}/{container['name']}: {env['name']} is literal")
                if CREDENTIALED_URL.search(literal):
                    found.append(f"{kind} {name}/{container['name']}: {env['name']} has a password")
    return found


@pytest.fixture(scope="module")
def rendered():
    return _rendered()


def test_no_committed_or_rendered_manifest_carries_a_secret_value(rendered):
    assert rendered, "nothing was rendered"
    leaks = {source: secret_values(docs) for source, docs in rendered.items()}
    assert {source: found for source, found in leaks.items() if found} == {}


def test_the_scan_finds_each_kind_of_secret_value():
    """The scanner itself must see what it is there to see."""
    pod = {"containers": [{"name": "web", "env": [
        {"name": "DATABASE_PASSWORD", "value": "hunter2"},
        {"name": "REDIS_URL", "value": "rediss://app:s3cret@redis:6380/0"},
        {"name": "SECRET_KEY", "valueFrom": {"secretKeyRef": {"name": "platform", "key": "k"}}},
    ]}]}  # fmt: skip
    docs = [
        {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"a": "b"}},
        {"kind": "ConfigMap", "metadata": {"name": "c"},
         "data": {"API_TOKEN": "abc", "LEGACY_BASE_URL": "https://legacy"}},
        {"kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"template": {"spec": pod}}},
    ]  # fmt: skip
    assert secret_values(docs) == [
        "Secret s carries values",
        "ConfigMap c: API_TOKEN has a value",
        "Deployment d/web: DATABASE_PASSWORD is literal",
        "Deployment d/web: REDIS_URL has a password",
    ]


def test_the_compose_stand_in_secrets_say_they_are_stand_ins():
    """The only secret-shaped files in the repository are the compose stack's stand-ins:
    a stand-in word, or an address inside the compose stack (its sink)."""
    local = REPO_ROOT / "deploy/observability/alertmanager/local-secrets"
    for path in local.iterdir():
        if path.name != "README.md":
            value = path.read_text().strip()
            assert value == "local-compose-stand-in" or value.startswith("http://sink:"), path
    assert Path(REPO_ROOT / ".gitignore").read_text().count(".env") >= 1
