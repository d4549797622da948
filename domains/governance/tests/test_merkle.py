"""The register's Merkle tree (``domain.merkle``, RFC 9162), without a database.

The stored-node construction (each aligned complete subtree hashed once, when its
last leaf arrives) is held against the RFC's own recursive definition of the tree
head, computed here from the leaves alone; every proof of every small tree must pass
the RFC's verification algorithms, and a changed leaf, index, size or root must not.
"""

import hashlib

import pytest

from domains.governance.domain import merkle

LEAVES = [f"entry {i}".encode() for i in range(17)]


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, MTH(D[n]), straight from the definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def stored_tree(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """The nodes the register stores, appended one leaf at a time."""
    nodes: dict[tuple[int, int], bytes] = {}
    for size, data in enumerate(leaves, 1):
        for level, index, digest in merkle.new_nodes(
            size, merkle.leaf_hash(data), lambda lv, ix: nodes[(lv, ix)]
        ):
            nodes[(level, index)] = digest
    return nodes


@pytest.fixture(scope="module")
def nodes():
    return stored_tree(LEAVES)


def look(nodes):
    return lambda level, index: nodes[(level, index)]


def test_every_tree_head_equals_the_rfc_definition(nodes):
    for size in range(len(LEAVES) + 1):
        assert merkle.root_hash(size, look(nodes)) == mth(LEAVES[:size]), size


def test_an_append_stores_one_node_per_subtree_it_completes():
    # The 8th leaf completes subtrees of 1, 2, 4 and 8 leaves; the 9th only itself.
    assert [(lv, ix) for lv, ix, _ in merkle.new_nodes(8, b"x", lambda *_: b"y")] == [
        (0, 7), (1, 3), (2, 1), (3, 0),
    ]  # fmt: skip
    assert [(lv, ix) for lv, ix, _ in merkle.new_nodes(9, b"x", lambda *_: b"y")] == [(0, 8)]


def test_every_inclusion_proof_verifies_and_a_changed_one_does_not(nodes):
    for size in range(1, len(LEAVES) + 1):
        root = mth(LEAVES[:size])
        for index in range(size):
            leaf = merkle.leaf_hash(LEAVES[index])
            path = merkle.inclusion_path(index, size, look(nodes))
            assert len(path) <= (size - 1).bit_length()
            assert merkle.verify_inclusion(leaf=leaf, index=index, size=size, path=path, root=root)
            other = merkle.leaf_hash(b"forged")
            assert not merkle.verify_inclusion(
                leaf=other, index=index, size=size, path=path, root=root
            )
            if size > 1:
                moved = (index + 1) % size
                assert not merkle.verify_inclusion(
                    leaf=leaf, index=moved, size=size, path=path, root=root
                )


def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not(nodes):
    for second in range(1, len(LEAVES) + 1):
        second_root = mth(LEAVES[:second])
        for first in range(1, second + 1):
            first_root = mth(LEAVES[:first])
            path = merkle.consistency_path(first, second, look(nodes))
            assert merkle.verify_consistency(
                first=first, second=second, first_root=first_root,
                second_root=second_root, path=path,
            ), (first, second)  # fmt: skip
            if first < second:
                rewritten = mth([b"rewritten", *LEAVES[1:first]])
                assert not merkle.verify_consistency(
                    first=first, second=second, first_root=rewritten,
                    second_root=second_root, path=path,
                )  # fmt: skip


def test_proofs_read_only_the_nodes_nodes_needed_names(nodes):
    """The register fetches exactly these keys in one query before computing."""
    compute = lambda lookup: merkle.inclusion_path(5, 13, lookup)  # noqa: E731
    needed = merkle.nodes_needed(compute)
    assert needed <= nodes.keys()
    only = {key: nodes[key] for key in needed}
    assert compute(look(only)) == compute(look(nodes))


def test_out_of_range_proofs_are_refused(nodes):
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_path(5, 5, look(nodes))
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_path(0, 3, look(nodes))
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_path(4, 3, look(nodes))
