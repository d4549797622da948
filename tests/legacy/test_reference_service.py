"""The reference legacy service speaks the legacy shapes the adapter translates."""

import re

from legacy_adapter.client import ClientConfig, LegacyClient

LOCAL_DATE = re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")


def client(legacy) -> LegacyClient:
    return LegacyClient(ClientConfig(base_url=legacy.base_url))


def test_records_have_numeric_ids_own_names_and_local_dates(calm_legacy):
    user = client(calm_legacy).request("GET", "/api/users/1").json()
    assert user["user_no"] == 1 and user["login"] == "ada"
    assert LOCAL_DATE.fullmatch(user["joined"])
    spaces = client(calm_legacy).request("GET", "/api/spaces", query={"limit": 2}).json()
    assert spaces["total"] == 3 and [s["space_no"] for s in spaces["items"]] == [1, 2]


def test_errors_use_the_legacy_error_body(calm_legacy):
    missing = client(calm_legacy).request("GET", "/api/users/999")
    assert missing.status == 404
    assert missing.json() == {"error": {"code": "E404", "message": "user 999 not found"}}
    bad = client(calm_legacy).request(
        "POST", "/api/ratings", json_body={"from_user": 1, "to_user": 2, "stars": 11}
    )
    assert bad.status == 400 and bad.json()["error"]["code"] == "E400"


def test_writes_are_stored_and_one_member_votes_once(calm_legacy):
    c = client(calm_legacy)
    first = c.request("POST", "/api/proposals/1/votes", json_body={"user_no": 4, "choice": "NO"})
    again = c.request("POST", "/api/proposals/1/votes", json_body={"user_no": 4, "choice": "YES"})
    assert first.status == 201 and first.json()["vote_no"] > 1
    assert again.status == 409
    votes = c.request("GET", "/api/votes", query={"proposal_no": 1}).json()
    assert {(v["user_no"], v["choice"]) for v in votes["items"]} >= {(4, "NO")}


def test_activity_lists_page_filter_and_follow_changes(calm_legacy):
    c = client(calm_legacy)
    page = c.request("GET", "/api/activity", query={"after": 2, "limit": 2}).json()
    assert page["total"] == 5 and [a["act_no"] for a in page["items"]] == [3, 4]
    assert set(page["items"][0]) == {
        "act_no", "user_no", "course_code", "course_title", "state", "score_pct", "when",
        "changed",
    }  # fmt: skip
    assert LOCAL_DATE.fullmatch(page["items"][0]["when"])
    grace = c.request("GET", "/api/activity", query={"user_no": 2}).json()
    assert [(a["state"], a["score_pct"]) for a in grace["items"]] == [
        ("FAILED", 45),
        ("PASSED", 81),
    ]
    ada = c.request("GET", "/api/users/1/activity").json()
    assert [a["state"] for a in ada["items"]] == ["STARTED", "COMPLETED", "PASSED"]
    assert c.request("GET", "/api/users/5/activity").json() == {"total": 0, "items": []}
    late = c.request("GET", "/api/activity", query={"changed_after": "29.01.2026 00:00"}).json()
    assert [a["act_no"] for a in late["items"]] == [5]


def test_activity_errors_use_the_legacy_error_body(calm_legacy):
    c = client(calm_legacy)
    missing = c.request("GET", "/api/users/999/activity")
    assert missing.status == 404
    assert missing.json() == {"error": {"code": "E404", "message": "user 999 not found"}}
    for query in ({"user_no": "ada"}, {"changed_after": "2026-01-29"}, {"limit": "many"}):
        bad = c.request("GET", "/api/activity", query=query)
        assert bad.status == 400 and bad.json()["error"]["code"] == "E400", query
    valid = {"user_no": 5, "course_code": "OOP", "course_title": "Abstraction", "state": "PASSED"}
    for wrong, message in (
        ({"score_pct": 150}, "score_pct is 0 to 100, or null"),
        ({"state": "DONE"}, "state is STARTED, COMPLETED, PASSED, FAILED"),
        ({"when": "tomorrow"}, "when is a date like 28.11.2026 10:15"),
        ({"user_no": 999}, "user 999 not found"),
    ):
        refused = c.request("POST", "/api/activity", json_body={**valid, **wrong})
        assert refused.json()["error"]["message"] == message
        assert refused.status == (404 if "user_no" in wrong else 400)
    recorded = c.request(
        "POST", "/api/activity", json_body={**valid, "score_pct": 77, "when": "02.12.2026 09:30"}
    )
    assert recorded.status == 201
    assert (recorded.json()["act_no"], recorded.json()["when"]) == (8, "02.12.2026 09:30")
    barbara = c.request("GET", "/api/users/5/activity").json()["items"]
    assert [(a["course_code"], a["score_pct"]) for a in barbara] == [("OOP", 77)]
