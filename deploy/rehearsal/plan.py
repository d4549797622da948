"""From the rendered manifests to what the rehearsal runs: manifest -> plan (pure).

- the Jobs Argo CD runs as sync hooks before the rollout (their pods run first, in
  sync-wave order, and must succeed);
- every Deployment and StatefulSet (``podman kube play`` runs them);
- each Service as network aliases of the pods it selects, ``port`` -> ``targetPort``
  resolved (a named targetPort against the pods' container ports);
- the public routes of every HTTPRoute attached to a Gateway listener (the reverse proxy
  is generated from them);
- the kinds podman ignores and what the rehearsal does or does not do in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deploy.rehearsal.manifests import Manifests, Workload, container_port, selects

# What podman kube play does not run, and what the rehearsal does about each kind.
NOT_PLAYED = {
    "Service": "network aliases of the selected pods (port -> targetPort honoured)",
    "HTTPRoute": "rules of the generated nginx reverse proxy",
    "Gateway": "the nginx listeners (HTTP: redirect; HTTPS: a certificate of the rehearsal CA)",
    "NetworkPolicy": "not enforced: every connection made is recorded and checked against them",
    "Job": "its pod template runs once before the rollout, as the Argo CD sync hook orders it",
    "ExternalSecret": "Secrets rendered from a local stand-in store with the same keys",
    "SecretStore": "replaced by the local stand-in store (no OVHcloud Secret Manager)",
    "HorizontalPodAutoscaler": "not exercised: one replica each",
    "PodDisruptionBudget": "not exercised (no node drains)",
    "ServiceMonitor": "its endpoints are scraped once (path and port as declared)",
    "ServiceAccount": "not exercised (the app never calls the Kubernetes API)",
    "Namespace": "its labels feed the NetworkPolicy evaluation; Pod Security Admission is not run",
}


@dataclass(frozen=True)
class ServicePort:
    service: str
    port: int
    target_port: int
    parts: tuple[str, ...]  # the workloads (by part) it selects


@dataclass(frozen=True)
class Route:
    listener: str  # the Gateway listener it is attached to (sectionName)
    hostnames: tuple[str, ...]
    path_type: str | None  # PathPrefix, Exact, or None (every path)
    path: str
    service: str | None
    port: int | None
    redirect: dict | None = None


@dataclass
class Plan:
    namespace: str
    hooks: list[Workload]
    workloads: list[Workload]
    services: list[ServicePort]
    routes: list[Route]
    listeners: list[dict]
    skipped: dict[str, str] = field(default_factory=dict)

    def service_port(self, service: str, port: int) -> ServicePort | None:
        for entry in self.services:
            if entry.service == service and entry.port == port:
                return entry
        return None


def _wave(workload: Workload) -> int:
    return int(workload.annotations.get("argocd.argoproj.io/sync-wave", "0"))


def services(manifests: Manifests, workloads: list[Workload]) -> list[ServicePort]:
    found = []
    for name, svc in manifests.of("Service").items():
        selector = {"matchLabels": svc["spec"].get("selector", {})}
        backing = [w for w in workloads if w.kind != "Job" and selects(selector, w.labels)]
        for entry in svc["spec"]["ports"]:
            target = entry.get("targetPort", entry["port"])
            numbers = {container_port(w.pod, target) for w in backing}
            if len(numbers) != 1 or None in numbers:
                raise ValueError(
                    f"Service {name} port {entry['port']}: targetPort {target!r} resolves to "
                    f"{sorted(map(str, numbers)) or 'no pod'}"
                )
            found.append(
                ServicePort(name, entry["port"], numbers.pop(), tuple(w.part for w in backing))
            )
    return found


def routes(manifests: Manifests) -> tuple[list[Route], list[dict]]:
    """Routes attached to the Gateways' listeners, in the order the rules list them."""
    listeners = [
        {**listener, "gateway": name}
        for name, gw in manifests.of("Gateway").items()
        for listener in gw["spec"]["listeners"]
    ]
    found = []
    for route in manifests.of("HTTPRoute").values():
        spec = route["spec"]
        for parent in spec.get("parentRefs", []):
            attached = [
                item
                for item in listeners
                if item["gateway"] == parent["name"]
                and parent.get("sectionName") in (None, item["name"])
            ]
            for listener in attached:
                hostnames = tuple(spec.get("hostnames") or [listener.get("hostname", "*")])
                for rule in spec.get("rules", []):
                    redirect = next(
                        (
                            f["requestRedirect"]
                            for f in rule.get("filters", [])
                            if f["type"] == "RequestRedirect"
                        ),
                        None,
                    )
                    backends = rule.get("backendRefs", [])
                    if len(backends) > 1:
                        raise ValueError("weighted backends are not rehearsed")
                    backend = backends[0] if backends else {}
                    for match in rule.get("matches") or [{}]:
                        path = match.get("path", {"type": "PathPrefix", "value": "/"})
                        found.append(
                            Route(
                                listener["name"],
                                hostnames,
                                path["type"],
                                path["value"],
                                backend.get("name"),
                                backend.get("port"),
                                redirect,
                            )
                        )
    return found, listeners


def build(manifests: Manifests) -> Plan:
    workloads = manifests.workloads()
    hooks = sorted((w for w in workloads if w.kind == "Job"), key=_wave)
    running = [w for w in workloads if w.kind != "Job"]
    found_routes, listeners = routes(manifests)
    skipped = {kind: what for kind, what in NOT_PLAYED.items() if manifests.of(kind)}
    return Plan(
        manifests.namespace,
        hooks,
        running,
        services(manifests, running),
        found_routes,
        listeners,
        skipped,
    )
