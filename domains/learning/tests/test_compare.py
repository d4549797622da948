"""The Statement comparison requirements (xAPI-Data §2.3.1; IEEE 9274.1.1 §4.2, §4.2.7)
as a pure function: no database, no HTTP."""

from domains.learning.domain.xapi.compare import statements_equivalent

BASE = {
    "id": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE",
    "actor": {"name": "Ana", "mbox": "mailto:ana@Example.COM"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
    "object": {"id": "http://a.example/course", "definition": {"name": {"en-US": "Course"}}},
    "result": {"duration": "PT1.004S"},
    "context": {"registration": "AB0E1C9A-3B89-4F3A-9E2B-1E8AF5C1D000", "language": "en-US"},
    "timestamp": "2026-01-01T10:00:00Z",
}


def same(a, b, *, v2=False):
    return statements_equivalent(a, b, v2=v2)


def test_exceptions_to_immutability_are_ignored_in_both_versions():
    other = {
        **BASE,
        "id": BASE["id"].lower(),
        "actor": {"name": "Ana", "mbox": "mailto:ana@example.com"},
        "verb": {"id": BASE["verb"]["id"]},
        "object": {"id": "http://a.example/course"},
        "context": {"registration": BASE["context"]["registration"].lower(), "language": "en-us"},
        "timestamp": "2026-01-01T12:00:00+02:00",
        "stored": "2026-01-02T00:00:00Z",
        "authority": {"mbox": "mailto:lrs@example.com"},
        "version": "1.0.3",
        "attachments": [],
    }
    assert same(BASE, other) and same(BASE, other, v2=True)


def test_an_id_or_timestamp_on_one_side_only_is_ignored_but_two_different_ones_are_not():
    bare = {k: v for k, v in BASE.items() if k not in ("id", "timestamp")}
    assert same(bare, BASE)
    assert not same(BASE, {**BASE, "timestamp": "2026-01-01T10:00:01Z"})
    assert not same(BASE, {**BASE, "id": "00000000-0000-4000-8000-000000000000"})


def test_case_of_other_values_counts_in_1_0_3_and_not_in_2_0():
    shouted = {**BASE, "actor": {"name": "ANA", "mbox": "mailto:ana@example.com"}}
    assert not same(BASE, shouted)
    assert same(BASE, shouted, v2=True)


def test_durations_are_strings_in_1_0_3_and_compared_to_a_hundredth_in_2_0():
    finer = {**BASE, "result": {"duration": "PT1.009S"}}
    coarser = {**BASE, "result": {"duration": "PT1.01S"}}
    assert not same(BASE, finer)
    assert same(BASE, finer, v2=True)  # both 1.00 s
    assert not same(BASE, coarser, v2=True)  # 1.00 s against 1.01 s


def test_extension_values_are_compared_as_sent():
    with_ext = {
        **BASE,
        "result": {**BASE["result"], "extensions": {"http://e.example/x": {"definition": 1}}},
    }
    without = {**with_ext, "result": {**BASE["result"], "extensions": {"http://e.example/x": {}}}}
    assert not same(with_ext, without)
