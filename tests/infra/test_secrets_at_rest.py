"""No manifest, image layer or process log carries a secret value (docs/runbooks/secrets.md).

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

import io
import json
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import urllib3

from tests.infra.tools import REPO_ROOT, documents, kustomize_build
from tests.processes import REPO, clean_environment, database_urls_for, free_port, wait_until
from tools.secret_scan import build_context, known_values, scan_files, scan_image

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


# --- the image: its build context here, its layers in `make image` ----------------------------


def test_the_image_build_context_carries_no_secret():
    """What `COPY . /app` sends (the context after .dockerignore, as Podman computes it):
    no credential-shaped value beyond the audited development defaults of
    .secrets.baseline, and none of this environment's own secret values. The built
    image's layers get the same scan in `make image` (scripts/image/build.sh)."""
    files = build_context(REPO_ROOT)
    shipped = {str(p.relative_to(REPO_ROOT)) for p in files}
    assert "manage.py" in shipped and "config/settings/core.py" in shipped
    assert not any(
        p.startswith(("var/", "tests/", ".git/", ".venv", "tools/validators/"))
        or "/tests/" in p  # the domains' own tests
        or p == ".env"
        for p in shipped
    )
    assert scan_files(files, known=known_values(), root=REPO_ROOT) == []


def test_the_image_scan_finds_a_planted_secret_and_respects_dockerignore(tmp_path):
    """The same scan on a small tree: a private key and a value from .env in shipped files
    are found; the same leak under var/ (ignored) is not shipped, so not reported."""
    shutil.copy(REPO_ROOT / ".dockerignore", tmp_path / ".dockerignore")
    value = "Zq3-" + "x7Kp9mW2vT8rL4nB6cY1"
    (tmp_path / ".env").write_text(f"SECRET_KEY={value}\n")
    (tmp_path / "settings.py").write_text(f'FALLBACK = "{value}"\n')
    (tmp_path / "deploy.pem").write_text("-----BEGIN " + "RSA PRIVATE KEY-----\nMIIB\n")
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "leak.txt").write_text(value)
    files = build_context(tmp_path)
    assert {p.name for p in files} == {".dockerignore", "settings.py", "deploy.pem"}
    known = known_values({}, root=tmp_path)
    assert known == {"SECRET_KEY": value}
    found = {(f.path, f.kind) for f in scan_files(files, known=known, root=tmp_path)}
    assert found == {("settings.py", "the value of SECRET_KEY"), ("deploy.pem", "Private Key")}


# --- the logs of the platform's processes -----------------------------------------------------


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_the_process_logs_carry_no_secret(tmp_path):
    """gunicorn at DEBUG, with a member registering, signing in, failing to sign in,
    refreshing and calling an API: its log holds neither the member's password, the
    tokens, the SECRET_KEY, nor anything detect-secrets recognises (a JWT, a URL with a
    password). The drills check their own processes' logs the same way."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = clean_environment(**database_urls_for(), ALLOWED_HOSTS="127.0.0.1",
                            RATELIMIT_ENABLE="false", LOG_LEVEL="DEBUG")  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "-c", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=60), retries=False)
    base = f"http://127.0.0.1:{port}/api/v1/identity"

    def call(method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = http.request(method, base + path, body=json.dumps(body) if body else None,
                                headers=headers)  # fmt: skip
        return response.status, json.loads(response.data or b"null")

    def healthy() -> bool:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            return http.request("GET", f"http://127.0.0.1:{port}/health").status == 200
        except urllib3.exceptions.HTTPError:
            return False

    password = "log-check-" + uuid.uuid4().hex
    email = f"logs-{uuid.uuid4().hex[:8]}@example.com"
    try:
        wait_until(healthy, timeout=90, what="gunicorn")
        assert call("POST", "/auth/register", {"email": email, "password": password,
                                               "display_name": "Logs"})[0] == 201  # fmt: skip
        assert call("POST", "/auth/login", {"email": email, "password": password + "x"})[0] == 401
        status, tokens = call("POST", "/auth/login", {"email": email, "password": password})
        assert status == 200, tokens
        status, refreshed = call(
            "POST", "/auth/refresh", {"refresh_token": tokens["refresh_token"]}
        )
        assert status == 200, refreshed
        assert call("GET", "/me", token=refreshed["access_token"])[0] == 200
        assert call("GET", "/me", token=tokens["access_token"] + "x")[0] == 401
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    assert log.stat().st_size > 0, "the log must record the requests it is checked on"
    known = {
        "password": password,
        "SECRET_KEY": env["SECRET_KEY"],
        "access token": tokens["access_token"],
        "refresh token": tokens["refresh_token"],
        "refreshed access token": refreshed["access_token"],
        "refreshed refresh token": refreshed["refresh_token"],
    }
    assert scan_files([log], known=known) == []


def test_the_layer_scan_reads_every_layer_of_a_saved_image(tmp_path):
    """`make image` scans `podman save --format docker-archive` output: a key in /app and a
    known value anywhere are found, even in a layer whose file a later layer deletes."""
    value = "Lq8-" + "v2Nc7xR5pT1mK9bW3zY6"

    def layer(name: str, files: dict[str, str]) -> str:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for path, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        (tmp_path / name).write_bytes(buffer.getvalue())
        return name

    layers = [
        layer("base.tar", {"etc/app.conf": f"token={value}\n"}),
        layer("app.tar", {"app/keys.py": 'K = """-----BEGIN ' + 'EC PRIVATE KEY-----"""\n',
                          "app/ok.py": "x = 1\n", "etc/.wh.app.conf": ""}),
    ]  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps([{"Layers": layers}]))
    archive = tmp_path / "image.tar"
    with tarfile.open(archive, "w") as tar:
        for name in ("manifest.json", *layers):
            tar.add(tmp_path / name, arcname=name)
    found = {(f.path, f.kind) for f in scan_image(archive, known={"SECRET_KEY": value})}
    assert found == {
        ("base.tar:/etc/app.conf", "the value of SECRET_KEY"),
        ("app.tar:/app/keys.py", "Private Key"),
    }
