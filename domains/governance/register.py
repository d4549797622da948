"""The decision register: an append-only Merkle log (RFC 9162) of votes and decisions.

Every vote (``VoteCast``, ``VoteRecorded``) and ``Decided`` event of the proposals' event
store becomes one leaf, in the store's order, through ``RegisterProjection``; each leaf
row also holds the tree head of the tree it completes, so every size the log ever had
has a head, and every head is Ed25519-signed (the timestamp comes from the event, and
Ed25519 is deterministic, so replaying the events signs the very same heads). Proofs
read O(log n) stored subtree nodes in one query.

A batch of events (up to 500) is appended in one statement, and the signature is
stored for its last head only: signing each entry was a third of a bulk append's time.
The heads inside a batch are signed when someone asks for them (``heads_signed``), once
a consistency proof shows they are prefixes of that stored signed head; the API answers
exactly as if every signature had been stored. Live votes come one per batch, so their
heads are all signed as they are appended.

``register_verify`` trusts nothing stored: it rebuilds every leaf from the events,
then every node, root and signature from the leaves, and reports each difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.db.models import Max, Q

from common.refusals import NotFound
from domains.governance import register_writes
from domains.governance.application import GovernanceApplication
from domains.governance.apps import ALIAS
from domains.governance.domain import merkle
from domains.governance.domain.entries import canonical, instant, millis, tree_head_message
from domains.governance.domain.proposal import VOTE_EVENTS, Proposal
from domains.governance.models import RegisterEntry, RegisterNode
from domains.governance.signing import key_id, public_key_raw, register_key
from eventing.eventstore import get_application


class NotInRegister(NotFound):
    """The asked-for entry or tree size does not exist (yet)."""


class RegisterIntegrityError(RuntimeError):
    """A stored head contradicts the signed head that covers it: the database was
    changed behind the register (``manage.py governance_register verify`` says where)."""


@dataclass(frozen=True)
class Leaf:
    kind: str
    proposal_id: Any
    content: bytes
    timestamp_ms: int


def leaf_for(domain_event: Any) -> Leaf | None:
    """The register entry a proposal event makes, or None for events it does not record."""
    if isinstance(domain_event, VOTE_EVENTS):
        document = {
            "type": "vote",
            "proposal_id": str(domain_event.originator_id),
            "proposal_version": domain_event.originator_version,
            "member_id": str(domain_event.member_id),
            "choice": domain_event.choice,
            "cast_at": instant(domain_event.at),
        }
    elif isinstance(domain_event, Proposal.Decided):
        document = {
            "type": "decision",
            "proposal_id": str(domain_event.originator_id),
            "proposal_version": domain_event.originator_version,
            "title": domain_event.title,
            "method": domain_event.method,
            "outcome": domain_event.outcome,
            "counts": dict(domain_event.counts),
            "voters": domain_event.voters,
            "decided_at": instant(domain_event.at),
        }
    else:
        return None
    return Leaf(
        document["type"], domain_event.originator_id, canonical(document), millis(domain_event.at)
    )


def sign_tree_head(*, tree_size: int, timestamp_ms: int, root: bytes, key=None) -> str:
    """The hex Ed25519 signature of a tree head (``key``: the register's, looked up once
    by a caller that signs many)."""
    message = tree_head_message(
        tree_size=tree_size, timestamp_ms=timestamp_ms, root_hash_hex=root.hex()
    )
    return (key or register_key()).sign(message).hex()


class Appender:
    """Appends leaves inside the caller's transaction: a whole batch in one statement.

    An append needs only the tree's peaks (``merkle.peak_positions``): the new leaf's
    left siblings are the trailing peaks and the root is all of them folded. So a batch
    reads the size and the peaks once (two indexed queries, in the caller's transaction,
    so a writer that appended in between cannot leave it on a stale tree), computes
    every entry, node and root in memory, and writes them in one round trip.
    The batch signs the head of its last entry; the heads inside it are stored unsigned
    and signed when asked for (``heads_signed``), which spares a bulk append one Ed25519
    signature per entry, a third of its time.
    """

    def __init__(self, *, entries=RegisterEntry, nodes=RegisterNode) -> None:
        self.entries, self.nodes = entries, nodes

    def append_batch(self, leaves: list[Leaf]) -> int:
        """Append ``leaves`` in order, as if one after the other; how many appended."""
        if not leaves:
            return 0
        size = tree_size(self.entries)
        positions = merkle.peak_positions(size)
        stored = _fetch_nodes(set(positions), self.nodes)
        peaks = {level: stored[(level, index)] for level, index in positions}
        entries: list[dict[str, Any]] = []
        created: list[tuple[int, int, bytes]] = []
        root = merkle.EMPTY_ROOT
        for leaf in leaves:
            size += 1
            digest = merkle.leaf_hash(leaf.content)
            created.extend(merkle.extend_peaks(peaks, size, digest))
            root = merkle.root_from_peaks(peaks)
            entries.append(
                {
                    "index": size - 1,
                    "kind": leaf.kind,
                    "proposal_id": leaf.proposal_id,
                    "content": leaf.content.decode(),
                    "leaf_hash": digest.hex(),
                    "root_hash": root.hex(),
                    "timestamp_ms": leaf.timestamp_ms,
                    "signature": "",
                }
            )
        last = entries[-1]
        last["signature"] = sign_tree_head(
            tree_size=size, timestamp_ms=last["timestamp_ms"], root=root, key=register_key()
        )
        register_writes.installed().insert(entries, created, entries=self.entries, nodes=self.nodes)
        return len(entries)


def _fetch_nodes(keys: set[tuple[int, int]], nodes=RegisterNode) -> dict[tuple[int, int], bytes]:
    if not keys:
        return {}
    condition = Q()
    for level, index in keys:
        condition |= Q(level=level, index=index)
    found = {
        (row.level, row.index): bytes(row.hash)
        for row in nodes.objects.using(ALIAS).filter(condition)
    }
    if found.keys() != keys:
        raise NotInRegister(f"register nodes missing: {sorted(keys - found.keys())[:5]}")
    return found


def _with_nodes(compute):
    needed = merkle.nodes_needed(compute)
    fetched = _fetch_nodes(needed)
    return compute(lambda level, index: fetched[(level, index)])


def tree_size(entries=RegisterEntry) -> int:
    """How many entries the register holds (``entries``: its table, or a rebuild's)."""
    top = entries.objects.using(ALIAS).aggregate(top=Max("index"))["top"]
    return 0 if top is None else top + 1


def tree_head(size: int | None = None) -> dict[str, Any]:
    """The signed tree head of ``size`` leaves (the latest by default)."""
    size = tree_size() if size is None else size
    if size == 0:
        raise NotInRegister("The register is empty.")
    entry = RegisterEntry.objects.using(ALIAS).filter(index=size - 1).first()
    if entry is None:
        raise NotInRegister(f"The register has no tree of {size} entries.")
    heads_signed([entry])
    return {
        "tree_size": size,
        "timestamp": entry.timestamp_ms,
        "root_hash": entry.root_hash,
        "signature": entry.signature,
        "key_id": key_id(),
    }


def heads_signed(rows: list[RegisterEntry]) -> list[RegisterEntry]:
    """``rows`` with every head signed: the ones an append batch left unsigned are signed
    now, each only once an RFC 9162 consistency proof from the stored nodes shows its
    tree is a prefix of a head that was signed when it was appended (the next one).

    So the register never signs a root it had not already committed to: a database
    changed behind its back (roots or nodes rewritten, say) cannot obtain a signature,
    and a ``RegisterIntegrityError`` is raised instead. Ed25519 is deterministic, so a
    head signed now is byte for byte the one signing at append time would have stored.
    The covering signature does not cover the timestamps of the heads before it: those
    are checked against their events by ``register_verify``, like every stored field.
    """
    unsigned = [row for row in rows if not row.signature]
    if not unsigned:
        return rows
    top = max(row.index for row in unsigned)
    cover = (
        RegisterEntry.objects.using(ALIAS)
        .filter(index__gt=top)
        .exclude(signature="")
        .order_by("index")
        .first()
    )
    if cover is None:
        raise RegisterIntegrityError(f"no signed tree head covers entry {top}")
    key = register_key()
    second, second_root = cover.index + 1, bytes.fromhex(cover.root_hash)
    message = tree_head_message(
        tree_size=second, timestamp_ms=cover.timestamp_ms, root_hash_hex=cover.root_hash
    )
    try:
        key.public_key().verify(bytes.fromhex(cover.signature), message)
    except (InvalidSignature, ValueError) as exc:
        raise RegisterIntegrityError(f"the tree head of size {second} does not verify") from exc
    needed: set[tuple[int, int]] = set()
    for row in unsigned:
        needed |= merkle.nodes_needed(
            lambda look, m=row.index + 1: merkle.consistency_path(m, second, look)
        )
    nodes = _fetch_nodes(needed)
    for row in unsigned:
        size = row.index + 1
        path = merkle.consistency_path(size, second, lambda lv, ix: nodes[(lv, ix)])
        if not merkle.verify_consistency(
            first=size,
            second=second,
            first_root=bytes.fromhex(row.root_hash),
            second_root=second_root,
            path=path,
        ):
            raise RegisterIntegrityError(
                f"the tree of size {size} is not a prefix of the signed tree of size {second}"
            )
        row.signature = sign_tree_head(
            tree_size=size,
            timestamp_ms=row.timestamp_ms,
            root=bytes.fromhex(row.root_hash),
            key=key,
        )
    return rows


def public_key() -> dict[str, str]:
    return {"algorithm": "Ed25519", "public_key": public_key_raw().hex(), "key_id": key_id()}


def inclusion_proof(*, index: int, tree_size: int | None = None) -> dict[str, Any]:
    head = tree_head(tree_size)
    if not 0 <= index < head["tree_size"]:
        raise NotInRegister(f"Entry {index} is not in a tree of {head['tree_size']} entries.")
    entry = RegisterEntry.objects.using(ALIAS).get(index=index)
    path = _with_nodes(lambda look: merkle.inclusion_path(index, head["tree_size"], look))
    return {
        "leaf_index": index,
        "tree_size": head["tree_size"],
        "entry": entry.content,
        "leaf_hash": entry.leaf_hash,
        "audit_path": [p.hex() for p in path],
        "tree_head": head,
    }


def consistency_proof(*, first: int, second: int | None = None) -> dict[str, Any]:
    later = tree_head(second)
    earlier = tree_head(first)
    if first > later["tree_size"]:
        raise NotInRegister(
            f"A tree of {first} entries does not precede one of {later['tree_size']}."
        )
    path = _with_nodes(lambda look: merkle.consistency_path(first, later["tree_size"], look))
    return {
        "first": first,
        "second": later["tree_size"],
        "consistency_path": [p.hex() for p in path],
        "first_tree_head": earlier,
        "second_tree_head": later,
    }


def expected_leaves() -> list[Leaf]:
    """Every leaf the event store says the register holds, in order."""
    app = get_application(GovernanceApplication)
    leaves, position = [], 0
    while True:
        batch = app.recorder.select_notifications(
            start=position, limit=1000, inclusive_of_start=False
        )
        if not batch:
            return leaves
        for notification in batch:
            leaf = leaf_for(app.mapper.to_domain_event(notification))
            if leaf is not None:
                leaves.append(leaf)
        position = batch[-1].id


def register_verify() -> list[str]:
    """Every way the stored register differs from what its events and signatures say."""
    problems: list[str] = []
    public = register_key().public_key()
    expected = expected_leaves()
    rows = {e.index: e for e in RegisterEntry.objects.using(ALIAS).order_by("index")}
    stored_nodes = {
        (n.level, n.index): bytes(n.hash) for n in RegisterNode.objects.using(ALIAS).all()
    }
    for index in sorted(set(rows) - set(range(len(expected)))):
        problems.append(f"entry {index}: in the register but no event records it")
    computed: dict[tuple[int, int], bytes] = {}
    for index, leaf in enumerate(expected):
        size = index + 1
        digest = merkle.leaf_hash(leaf.content)
        for level, node_index, node in merkle.new_nodes(
            size, digest, lambda lv, ix: computed[(lv, ix)]
        ):
            computed[(level, node_index)] = node
        root = merkle.root_hash(size, lambda lv, ix: computed[(lv, ix)])
        row = rows.get(index)
        if row is None:
            problems.append(f"entry {index}: missing (removed from the register)")
            continue
        if row.content.encode() != leaf.content:
            problems.append(f"entry {index}: content differs from the event it records")
        if row.leaf_hash != merkle.leaf_hash(row.content.encode()).hex():
            problems.append(f"entry {index}: leaf hash differs from its content's")
        if row.root_hash != root.hex() or row.timestamp_ms != leaf.timestamp_ms:
            problems.append(
                f"entry {index}: tree head of size {size} differs from the recomputed one"
            )
        if not row.signature:  # inside an append batch: signed on request (heads_signed)
            if index == len(expected) - 1:
                problems.append(f"entry {index}: the latest tree head is not signed")
            continue
        message = tree_head_message(
            tree_size=size, timestamp_ms=row.timestamp_ms, root_hash_hex=row.root_hash
        )
        try:
            public.verify(bytes.fromhex(row.signature), message)
        except (InvalidSignature, ValueError):
            problems.append(f"entry {index}: tree head signature does not verify")
    for key, node in computed.items():
        if stored_nodes.get(key) != node:
            problems.append(f"node level {key[0]} index {key[1]}: missing or altered")
    for key in sorted(stored_nodes.keys() - computed.keys()):
        problems.append(f"node level {key[0]} index {key[1]}: no entry accounts for it")
    return problems
