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
