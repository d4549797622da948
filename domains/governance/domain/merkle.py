"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing and proofs, framework-free.

Why stored subtree nodes: a proof for one leaf of a tree of ``n`` leaves needs about
``log2(n)`` subtree hashes. Every complete, aligned subtree (``2**level`` leaves
starting at a multiple of ``2**level``) is hashed once, when its last leaf is
appended, and kept; any subtree the RFC's recursion asks for is then either one such
node or the right edge of the tree, which is a fold of at most ``log2(n)`` of them.

Generation is written against a ``node(level, index)`` lookup. Which nodes a proof
needs depends only on the sizes and indexes, never on the hashes, so ``nodes_needed``
runs the same code with a recording lookup first; the caller fetches exactly those
nodes in one query, then computes with the real ones.

The verification functions here serve the server's own checks and tests; the
command-line verifier (``tools/register_verify.py``) has its own implementation, so
a fault in this module cannot vouch for itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

NodeLookup = Callable[[int, int], bytes]

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def new_nodes(size_after: int, leaf: bytes, node: NodeLookup) -> list[tuple[int, int, bytes]]:
    """The complete subtrees the ``size_after``-th leaf completes: (level, index, hash).

    The leaf itself is level 0; ``node`` must answer for the left siblings already stored.
    """
    index = size_after - 1
    created = [(0, index, leaf)]
    level, current = 0, leaf
    while index & 1:
        current = node_hash(node(level, index - 1), current)
        level, index = level + 1, index >> 1
        created.append((level, index, current))
    return created


def peak_positions(size: int) -> list[tuple[int, int]]:
    """The (level, index) of the complete subtrees a tree of ``size`` leaves is made of,
    largest (leftmost) first: one per bit set in ``size``.

    They are all an append needs: the left siblings ``new_nodes`` hashes a new leaf with
    are the trailing ones, and the root is all of them folded (``root_from_peaks``).
    """
    positions, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            positions.append((level, start >> level))
            start += 1 << level
    return positions


def extend_peaks(peaks: dict[int, bytes], size_after: int, leaf: bytes) -> list:
    """Append the ``size_after``-th leaf to a tree held as its peaks (``{level: hash}``,
    updated in place); the (level, index, hash) nodes it completes, as ``new_nodes``."""
    created = new_nodes(size_after, leaf, lambda level, _index: peaks[level])
    top, _, node = created[-1]
    for level in range(top):  # merged into ``node``: no longer peaks
        del peaks[level]
    peaks[top] = node
    return created


def root_from_peaks(peaks: dict[int, bytes]) -> bytes:
    """MTH of a tree from its peaks (``{level: hash}``).

    RFC 9162's recursion splits off the largest complete subtree at each step, so the
    root is the peaks folded from the right: the same hash as ``root_hash``, in
    popcount(size) - 1 hashes and no lookups.
    """
    if not peaks:
        return EMPTY_ROOT
    levels = sorted(peaks)
    root = peaks[levels[0]]
    for level in levels[1:]:
        root = node_hash(peaks[level], root)
    return root


def subtree_hash(start: int, end: int, node: NodeLookup) -> bytes:
    """MTH of leaves ``[start, end)``, for ranges the RFC's recursion produces."""
    size = end - start
    if size == 0:
        return EMPTY_ROOT
    level = size.bit_length() - 1
    if size == 1 << level and start % size == 0:
        return node(level, start >> level)
    k = _split(size)
    return node_hash(subtree_hash(start, start + k, node), subtree_hash(start + k, end, node))


def root_hash(size: int, node: NodeLookup) -> bytes:
    return subtree_hash(0, size, node)


def inclusion_path(index: int, size: int, node: NodeLookup) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), bottom first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_hash(start + k, end, node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, node))
            start += k
    return path[::-1]


def consistency_path(first: int, second: int, node: NodeLookup) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(first, D[0:second]), bottom first."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second} leaves")
    path: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(subtree_hash(start + k, end, node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, node))
            start, m, whole = start + k, m - k, False
    if not whole:
        path.append(subtree_hash(start, end, node))
    return path[::-1]


def nodes_needed(compute: Callable[[NodeLookup], object]) -> set[tuple[int, int]]:
    """The (level, index) keys ``compute`` reads, found without any real hash."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return EMPTY_ROOT

    compute(record)
    return seen


def verify_inclusion(*, leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not path and first_root == second_root
    if not 0 < first < second or not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root
