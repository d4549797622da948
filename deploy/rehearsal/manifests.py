"""The rendered overlay, indexed: what every other module of the rehearsal reads.

Pure functions over the documents ``kubectl kustomize`` prints; nothing here runs a
container, so the plan, the static checks and the policy evaluator are unit-testable.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def render(overlay: Path, kubectl: str = "kubectl") -> str:
    """``kubectl kustomize`` of an overlay (raises with kubectl's message on failure)."""
    result = subprocess.run(  # noqa: S603 - kubectl, from the caller's configuration
        [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {overlay} failed:\n{result.stderr}")
    return result.stdout


@dataclass(frozen=True)
class Workload:
    """A pod template and what owns it (Deployment, StatefulSet or Job)."""

    kind: str
    name: str
    labels: dict
    pod: dict  # the template's spec
    annotations: dict

    @property
    def part(self) -> str:
        """The platform process this is (``app.kubernetes.io/name``), else its name."""
        return self.labels.get("app.kubernetes.io/name", self.name)


class Manifests:
    """Documents by kind and name, and the namespace they were rendered into."""

    def __init__(self, docs: list[dict]):
        self.docs = [doc for doc in docs if doc]
        self.by_kind: dict[str, dict[str, dict]] = {}
        for doc in self.docs:
            self.by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
        namespaces = {d["metadata"].get("namespace") for d in self.docs} - {None}
        self.namespace = namespaces.pop() if len(namespaces) == 1 else "default"

    @classmethod
    def parse(cls, text: str) -> Manifests:
        return cls(list(yaml.load_all(text, Loader=_LOADER)))

    def of(self, kind: str) -> dict[str, dict]:
        return self.by_kind.get(kind, {})

    def workloads(self) -> list[Workload]:
        found = []
        for kind in ("Job", "StatefulSet", "Deployment"):
            for name, doc in self.of(kind).items():
                template = doc["spec"]["template"]
                found.append(
                    Workload(
                        kind,
                        name,
                        template.get("metadata", {}).get("labels", {}),
                        template["spec"],
                        doc["metadata"].get("annotations", {}),
                    )
                )
        return found

    def workload(self, part: str) -> Workload:
        [found] = [w for w in self.workloads() if w.part == part]
        return found

    def namespace_labels(self) -> dict[str, dict]:
        """Labels of the namespaces policies select, as Kubernetes sets them."""
        labels = {
            name: {**doc["metadata"].get("labels", {}), "kubernetes.io/metadata.name": name}
            for name, doc in self.of("Namespace").items()
        }
        labels.setdefault(self.namespace, {"kubernetes.io/metadata.name": self.namespace})
        return labels

    def config_env(self, container: dict, secrets: dict[str, dict] | None = None) -> dict:
        """The environment a container starts with: its envFrom ConfigMaps (and Secrets
        when given), then its own ``env`` values, later ones winning, as the kubelet does."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                name = source["configMapRef"]["name"]
                env.update(self.of("ConfigMap").get(name, {}).get("data", {}))
            elif "secretRef" in source and secrets is not None:
                env.update(secrets.get(source["secretRef"]["name"], {}))
        for item in container.get("env", []):
            if "value" in item:
                env[item["name"]] = item["value"]
        return env


def selects(selector: dict, labels: dict) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against labels."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def container_port(pod: dict, port: int | str) -> int | None:
    """A numbered port as is; a named one resolved against the pod's containers."""
    if isinstance(port, int):
        return port
    if str(port).isdigit():
        return int(port)
    for container in pod.get("containers", []):
        for declared in container.get("ports", []):
            if declared.get("name") == port:
                return declared["containerPort"]
    return None
