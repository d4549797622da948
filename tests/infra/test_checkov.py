"""checkov on what gets deployed: built manifests, the Dockerfile, the workflows.

checkov (in its own venv, .venv-tools/, installed by scripts/install-validators.sh) runs
once on a scratch tree holding the output of `kubectl kustomize` for every overlay, the
cluster resources, the observability stack and the Argo CD apps, plus the Dockerfile and
.github/workflows, with every check on. Only the findings that .checkov.yaml skips may
fail, each explained in docs/validation.md; any other failed check fails the test, and
so does an accepted finding that no longer occurs. A deliberately broken sample shows the
checks bite.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.infra.tools import REPO_ROOT, checkov, kustomize_build, run

CONFIG = REPO_ROOT / ".checkov.yaml"
VALIDATION_DOC = REPO_ROOT / "docs" / "validation.md"
BUILDS = {
    **{f"overlay-{env}": f"deploy/k8s/overlays/{env}" for env in ("dev", "staging", "production")},
    **{f"argocd-{env}": f"deploy/argocd/apps/{env}" for env in ("dev", "staging", "production")},
    "cluster": "deploy/k8s/cluster",
    "observability": "deploy/observability",
}


def run_checkov(directory: Path, *extra: str) -> list[dict]:
    result = run(
        [checkov(), "-d", str(directory), "-o", "json", "--skip-download", "--quiet", *extra],
        cwd=directory,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    reports = json.loads(result.stdout or "[]")
    return reports if isinstance(reports, list) else [reports]


def failures(reports: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (r["check_type"], f["check_id"], f"{f['file_path']}:{f.get('resource', '')}")
        for r in reports
        for f in r.get("results", {}).get("failed_checks", [])
    ]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[dict]:
    tree = tmp_path_factory.mktemp("checkov")
    (tree / "k8s").mkdir()
    for name, path in BUILDS.items():
        (tree / "k8s" / f"{name}.yaml").write_text(kustomize_build(REPO_ROOT / path))
    shutil.copy(REPO_ROOT / "Dockerfile", tree / "Dockerfile")
    shutil.copytree(REPO_ROOT / ".github" / "workflows", tree / ".github" / "workflows")
    # Without the skips: the test itself decides what is accepted (see below).
    frameworks = ",".join(yaml.safe_load(CONFIG.read_text())["framework"])
    return run_checkov(tree, "--framework", frameworks)


def test_every_framework_ran(reports):
    ran = {r["check_type"]: r["summary"] for r in reports}
    assert {"kubernetes", "dockerfile", "github_actions"} <= set(ran)
    assert all(summary["passed"] > 0 for summary in ran.values()), ran
    assert all(summary["parsing_errors"] == 0 for summary in ran.values()), ran


def accepted() -> set[str]:
    return set(yaml.safe_load(CONFIG.read_text())["skip-check"])


def test_no_failed_check_beyond_the_accepted_ones(reports):
    unexplained = [f for f in failures(reports) if f[1] not in accepted()]
    assert unexplained == []


def test_every_accepted_check_is_explained_and_still_needed(reports):
    explained = set(re.findall(r"^\| `(CKV\w+)` \|", VALIDATION_DOC.read_text(), re.MULTILINE))
    assert accepted() == explained
    # A skip nobody needs any more would hide a future regression: drop it.
    assert {check for _, check, _ in failures(reports)} == accepted()


def test_checkov_bites_on_a_broken_sample(tmp_path):
    (tmp_path / "k8s.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: default}\n"
        "spec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
        "    spec:\n      containers:\n        - name: c\n          image: nginx:latest\n"
        "          securityContext: {privileged: true}\n"
    )
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nRUN pip install django\n")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "on: issues\npermissions: write-all\njobs:\n  x:\n    runs-on: ubuntu-24.04\n"
        '    steps:\n      - run: echo "${{ github.event.issue.title }}"\n'
    )
    found = {check for _, check, _ in failures(run_checkov(tmp_path))}
    assert {"CKV_K8S_8", "CKV_K8S_16", "CKV_K8S_14"} <= found  # probes, privileged, latest
    assert "CKV_DOCKER_3" in found  # no USER
    assert "CKV_GHA_2" in found or "CKV2_GHA_1" in found  # injection / write-all
