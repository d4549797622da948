"""The anti-corruption layer: legacy records in the new API's terms, and back."""

from datetime import UTC, datetime
from uuid import uuid4

from legacy_adapter.acl import resources
from legacy_adapter.acl.responses import to_legacy
from legacy_adapter.acl.values import (
    format_local,
    number_for,
    parse_local,
    score_to_stars,
    stars_to_score,
    uuid_for,
)

SPACE = {
    "space_no": 7, "owner_no": 3, "title": "Garage", "descr": "Tools", "online": "N",
    "address": "3 Forge Street", "seats": 8, "state": "ACTIVE", "changed": "05.01.2026 10:00",
}  # fmt: skip


def test_ids_are_stable_and_reversible_per_kind():
    assert uuid_for("space", 7) == uuid_for("space", 7)
    assert uuid_for("space", 7) != uuid_for("user", 7)
    assert number_for("space", uuid_for("space", 7)) == 7
    assert number_for("user", uuid_for("space", 7)) is None
    assert number_for("space", uuid4()) is None  # born on the new side


def test_local_dates_become_utc_and_back():
    assert parse_local("05.07.2026 10:00") == datetime(2026, 7, 5, 8, 0, tzinfo=UTC)  # summer
    assert parse_local("05.01.2026 10:00") == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # winter
    assert format_local("2026-07-05T08:00:00Z") == "05.07.2026 10:00"


def test_rating_scales_map_both_ways():
    assert [stars_to_score(s) for s in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert all(stars_to_score(score_to_stars(s)) == s for s in range(1, 6))


def test_a_space_round_trips():
    new = resources.space_from_legacy(SPACE)
    assert new["name"] == "Garage" and new["capacity"] == 8 and new["status"] == "listed"
    back = resources.space_to_legacy(new)
    assert back == {k: v for k, v in SPACE.items() if k != "changed"}


def test_new_api_lists_and_problems_take_the_legacy_shape():
    new = resources.space_from_legacy(SPACE)
    page = {"count": 1, "next": None, "previous": None, "results": [new]}
    assert to_legacy("spaces.list", 200, page)["items"][0]["space_no"] == 7
    problem = {"type": "about:blank", "status": 404, "detail": "No Space matches."}
    assert to_legacy("spaces.detail", 404, problem) == {
        "error": {"code": "E404", "message": "No Space matches."}
    }
