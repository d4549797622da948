"""Shadow comparison on its own: normalisation by ignore rules, and the sample diff."""

from gateway.shadow import SAMPLE_CHARS, difference

LEGACY = {"total": 2, "items": [{"space_no": 1, "title": "A"}, {"space_no": 2, "title": "B"}]}


def test_equal_answers_have_no_difference():
    assert (
        difference(legacy=(200, LEGACY), new=(200, LEGACY), ignore=frozenset(), ignore_order=False)
        is None
    )


def test_ignored_fields_and_order_do_not_count():
    new = {
        "total": 2,
        "items": [{"space_no": None, "title": "B"}, {"space_no": None, "title": "A"}],
    }
    assert difference(legacy=(200, LEGACY), new=(200, new), ignore=frozenset(), ignore_order=True)
    assert (
        difference(
            legacy=(200, LEGACY), new=(200, new), ignore=frozenset({"space_no"}), ignore_order=True
        )
        is None
    )
    assert difference(
        legacy=(200, LEGACY), new=(200, new), ignore=frozenset({"space_no"}), ignore_order=False
    )


def test_a_difference_is_a_unified_diff_cut_to_a_sample():
    new = {"total": 2, "items": [{"space_no": 1, "title": "A"}, {"space_no": 2, "title": "C"}]}
    diff = difference(legacy=(200, LEGACY), new=(200, new), ignore=frozenset(), ignore_order=False)
    assert '-    "title": "B"' in diff and '+    "title": "C"' in diff
    huge = {"items": ["x" * 50] * 500}
    cut = difference(legacy=(200, LEGACY), new=(200, huge), ignore=frozenset(), ignore_order=False)
    assert len(cut) <= SAMPLE_CHARS + 20 and cut.endswith("(cut)")


def test_status_differences_count():
    assert difference(
        legacy=(200, LEGACY), new=(500, LEGACY), ignore=frozenset(), ignore_order=False
    )
