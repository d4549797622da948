"""The peaks an append keeps in memory give the same nodes and roots as RFC 9162's
recursion over every stored node (no database: the Merkle module is framework-free)."""

import hashlib

from domains.governance.domain import merkle


def test_appending_to_the_peaks_gives_the_recursions_nodes_and_roots():
    nodes: dict[tuple[int, int], bytes] = {}
    peaks: dict[int, bytes] = {}
    for size in range(1, 1100):  # past 1,024: eleven levels, every popcount up to 10
        leaf = merkle.leaf_hash(hashlib.sha256(str(size).encode()).digest())
        expected = merkle.new_nodes(size, leaf, lambda lv, ix: nodes[(lv, ix)])
        for level, index, node in expected:
            nodes[(level, index)] = node

        assert merkle.extend_peaks(peaks, size, leaf) == expected
        positions = merkle.peak_positions(size)
        assert {level: nodes[(level, index)] for level, index in positions} == peaks
        assert merkle.root_from_peaks(peaks) == merkle.root_hash(
            size, lambda lv, ix: nodes[(lv, ix)]
        )
    assert merkle.peak_positions(0) == [] and merkle.root_from_peaks({}) == merkle.EMPTY_ROOT
    assert merkle.peak_positions(13) == [(3, 0), (2, 2), (0, 12)]  # 8 + 4 + 1 leaves
