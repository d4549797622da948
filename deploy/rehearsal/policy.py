"""Kubernetes NetworkPolicy semantics as a pure function over rendered manifests.

``verdict(policies, namespaces, src, dst, port)`` answers what a conforming network plugin
does with one TCP connection: allowed when the source's egress and the destination's
ingress both allow it. A side no policy selects (for that direction) is open; a side some
policy selects is open only to what one of their rules lists (peers, then ports). Peers:
``podSelector`` alone means pods of the policy's namespace, ``namespaceSelector`` alone
every pod of the matching namespaces, both together the matching pods in those
namespaces, ``ipBlock`` an address outside the cluster (pods never match it here: how a
plugin treats pod IPs in an ipBlock is implementation-defined, so nothing may rely on it).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from deploy.rehearsal.manifests import selects


@dataclass(frozen=True)
class Peer:
    """One end of a connection: a pod (namespace and labels) or an address outside."""

    name: str  # for messages: the part, or what the address stands for
    namespace: str | None = None
    labels: dict = field(default_factory=dict, hash=False, compare=False)
    ip: str | None = None
    # The pod's named ports (for policies that name a port instead of numbering it).
    named_ports: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def in_cluster(self) -> bool:
        return self.namespace is not None


def _policy_types(spec: dict) -> list[str]:
    if "policyTypes" in spec:
        return spec["policyTypes"]
    return ["Ingress", *(["Egress"] if "egress" in spec else [])]


def _peer_matches(rule_peer: dict, policy_ns: str, peer: Peer, namespaces: dict) -> bool:
    if "ipBlock" in rule_peer:
        if peer.ip is None or peer.in_cluster:
            return False
        block = rule_peer["ipBlock"]
        address = ipaddress.ip_address(peer.ip)
        if address not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(address in ipaddress.ip_network(e) for e in block.get("except", []))
    if not peer.in_cluster:
        return False
    if "namespaceSelector" in rule_peer:
        ns_labels = namespaces.get(peer.namespace, {"kubernetes.io/metadata.name": peer.namespace})
        if not selects(rule_peer["namespaceSelector"], ns_labels):
            return False
    elif peer.namespace != policy_ns:
        return False
    if "podSelector" in rule_peer:
        return selects(rule_peer["podSelector"], peer.labels)
    return True


def _port_matches(rule_ports: list[dict] | None, port: int, dst: Peer) -> bool:
    if not rule_ports:
        return True
    for entry in rule_ports:
        if entry.get("protocol", "TCP") != "TCP":
            continue
        declared = entry.get("port")
        if declared is None:
            return True
        if isinstance(declared, str) and not declared.isdigit():
            declared = dst.named_ports.get(declared)
            if declared is None:
                continue
        low = int(declared)
        if low <= port <= int(entry.get("endPort", low)):
            return True
    return False


def _side(policies, namespaces, me: Peer, other: Peer, port: int, direction: str, dst: Peer):
    """(open?, names of the policies that select ``me`` for ``direction``)."""
    if not me.in_cluster:
        return True, []
    key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    selecting = []
    for policy in policies:
        ns = policy["metadata"].get("namespace", me.namespace)
        spec = policy["spec"]
        if ns != me.namespace or direction not in _policy_types(spec):
            continue
        if not selects(spec.get("podSelector", {}), me.labels):
            continue
        selecting.append(policy["metadata"]["name"])
        for rule in spec.get(key, []):
            peers = rule.get(peers_key)
            if peers is not None and not any(
                _peer_matches(p, ns, other, namespaces) for p in peers
            ):
                continue
            if _port_matches(rule.get("ports"), port, dst):
                return True, selecting
    return not selecting, selecting


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str


def verdict(policies: list[dict], namespaces: dict, src: Peer, dst: Peer, port: int) -> Verdict:
    """Whether a TCP connection from ``src`` to ``dst:port`` is allowed, and why not."""
    egress_ok, egress_by = _side(policies, namespaces, src, dst, port, "Egress", dst)
    if not egress_ok:
        return Verdict(
            False,
            f"egress of {src.name} is limited by {', '.join(egress_by)} and no rule there "
            f"allows {dst.name}:{port}",
        )
    ingress_ok, ingress_by = _side(policies, namespaces, dst, src, port, "Ingress", dst)
    if not ingress_ok:
        return Verdict(
            False,
            f"ingress of {dst.name} is limited by {', '.join(ingress_by)} and no rule there "
            f"allows {src.name} on port {port}",
        )
    return Verdict(True, "allowed")
