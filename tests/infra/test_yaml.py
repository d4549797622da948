"""yamllint over every YAML file of the delivery: syntax, duplicate keys, consistency.

The tools that read these files (kubectl, promtool, amtool, Compose, Argo CD) each accept
some YAML mistakes silently, duplicate keys above all: the last one wins. yamllint (PyPI,
configured in .yamllint) refuses them everywhere.
"""

from __future__ import annotations

from tests.infra.tools import REPO_ROOT, run, venv_tool

PATHS = ("deploy", ".github", "docker-compose.yml", ".checkov.yaml", ".yamllint")


def yamllint(*paths: str, cwd=REPO_ROOT):
    return run(
        [venv_tool("yamllint"), "-f", "parsable", "-c", str(REPO_ROOT / ".yamllint"), *paths],
        cwd=cwd,
    )


def test_yamllint_passes():
    result = yamllint(*PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_rejects_duplicate_keys(tmp_path):
    broken = tmp_path / "values.yaml"
    broken.write_text("replicas: 2\nimage: platform\nreplicas: 3\n")
    result = yamllint(str(broken), cwd=tmp_path)
    assert result.returncode != 0
    assert "duplication of key" in result.stdout
