"""Build a Terraform filesystem mirror of the offline schema providers, and serve them.

    python terraform/offline-providers/mirror.py DEST   # writes DEST/mirror, DEST/terraformrc

Then `TF_CLI_CONFIG_FILE=DEST/terraformrc terraform init -backend=false` installs the
offline `ovh/ovh`, `hashicorp/helm`, `hashicorp/kubernetes`, `goharbor/harbor` and
`hashicorp/random` from DEST/mirror and from nowhere else. Each provider is a small
launcher script running this module with the Python that built the mirror (the project
venv, which has PyPI `tf`).

The versions announced here (x.999.0) are deliberately not real releases: they satisfy
the modules' `~> x.y` constraints and can never be mistaken for the real providers. A
lock file written against this mirror records their hashes: never commit one
(terraform/.gitignore).
"""

from __future__ import annotations

import importlib
import stat
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "registry.terraform.io"
# name -> (namespace, schema module, announced version)
PROVIDERS = {
    "ovh": ("ovh", "ovh", "2.999.0"),
    "helm": ("hashicorp", "helm", "2.999.0"),
    "kubernetes": ("hashicorp", "kubernetes_schema", "2.999.0"),
    "harbor": ("goharbor", "harbor", "3.999.0"),
    "random": ("hashicorp", "random_schema", "3.999.0"),
}


def provider(name: str):
    sys.path.insert(0, str(HERE))
    from schema_provider import SchemaProvider

    namespace, module_name, _ = PROVIDERS[name]
    module = importlib.import_module(module_name)
    return SchemaProvider(
        f"{HOST}/{namespace}/{name}",
        module.PROVIDER,
        module.RESOURCES,
        getattr(module, "DATA_SOURCES", {}),
    )


def serve(name: str) -> None:
    from tf.runner import run_provider

    run_provider(provider(name))


def build(dest: Path) -> Path:
    """Write the mirror and a CLI configuration that uses only it; return the config."""
    from tf.runner import install_provider

    mirror = dest / "mirror"
    launchers = dest / "launchers"
    launchers.mkdir(parents=True, exist_ok=True)
    for name, (namespace, _, version) in PROVIDERS.items():
        script = launchers / f"terraform-provider-{name}"
        script.write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"sys.path.insert(0, {str(HERE)!r})\n"
            "from mirror import serve\n"
            f"serve({name!r})\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        install_provider(HOST, namespace, name, version, mirror, script)
    includes = ", ".join(f'"{HOST}/{ns}/{n}"' for n, (ns, _, _) in PROVIDERS.items())
    config = dest / "terraformrc"
    config.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f"    include = [{includes}]\n"
        "  }\n"
        "}\n"
    )
    return config


if __name__ == "__main__":
    print(build(Path(sys.argv[1]).resolve()))
