"""The owner chooses what a share link shows; frameworks and rules are managed over the API."""

import pytest

from common.auth.principal import Principal
from domains.passport.tests.conftest import COMPLETED, COURSE, actor, record
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["identity", "passport"])

API = "/api/v1/passport"


def owner(holder) -> Principal:
    return Principal(id=holder, kind="member", roles=frozenset({"learner"}),
                     scopes=frozenset({"account.manage_own"}))  # fmt: skip


def test_the_owner_shares_only_the_sections_they_choose(api_client, web_api):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    api_client.force_authenticate(owner(holder))
    own = api_client.get(f"{API}/members/{holder}/passport").json()
    assert own["competencies"][0]["evidence"] and "credentials" in own

    response = api_client.post(
        f"{API}/members/{holder}/shares", {"sections": ["competencies"]}, format="json"
    )
    assert response.status_code == 201, response.content
    share = response.json()
    api_client.force_authenticate(None)
    shown = api_client.get(f"/p/s/{share['id']}", HTTP_ACCEPT="application/json").json()
    assert shown["passport"]["competencies"][0]["code"] == "WEB-1"
    assert "evidence" not in shown["passport"]["competencies"][0]
    assert "credentials" not in shown["passport"]
    assert "Build a web API" in api_client.get(f"/p/s/{share['id']}").content.decode()

    # Someone else's passport is neither readable nor shareable by a learner.
    _, other = actor("bruno@example.com")
    api_client.force_authenticate(owner(holder))
    assert api_client.get(f"{API}/members/{other}/passport").status_code == 403
    assert (
        api_client.post(
            f"{API}/members/{other}/shares", {"sections": ["competencies"]}, format="json"
        ).status_code
        == 403
    )


def test_frameworks_and_rules_over_the_api(api_client):
    mentor = member("mentor")
    framework = api_client.post(
        f"{API}/frameworks/create",
        {"name": "Care", "version": "2026", "competencies": [
            {"code": "LST-1", "name": "Listen", "max_level": 2},
        ]},
        format="json", **bearer(mentor),
    )  # fmt: skip
    assert framework.status_code == 201, framework.content
    competency = framework.json()["competencies"][0]["id"]
    rule = {"competency": competency, "level": 2, "verb_id": COMPLETED, "activity_id": COURSE}
    created = api_client.post(f"{API}/rules/create", rule, format="json", **bearer(mentor))
    assert created.status_code == 201, created.content
    too_high = api_client.post(
        f"{API}/rules/create", {**rule, "level": 3}, format="json", **bearer(mentor)
    )
    assert too_high.status_code == 400
    assert api_client.get(f"{API}/rules").json()["count"] == 1
    assert (
        api_client.post(f"{API}/rules/create", rule, format="json", **bearer(member())).status_code
        == 403
    )


def test_mentors_endorse_a_competency_once_and_it_shows_in_the_passport(api_client, web_api):
    mentor = member("mentor")
    _, holder = actor("ana@example.com")
    url = f"{API}/members/{holder}/endorsements"
    body = {"competency_id": str(web_api.id), "comment": "Solid API design."}
    assert api_client.post(url, body, format="json", **bearer(mentor)).status_code == 201
    assert api_client.post(url, body, format="json", **bearer(mentor)).status_code == 409
    assert api_client.post(url, body, format="json", **bearer(member())).status_code == 403
    own_url = f"{API}/members/{mentor.id}/endorsements"
    assert api_client.post(own_url, body, format="json", **bearer(mentor)).status_code == 400
    api_client.force_authenticate(owner(holder))
    (endorsement,) = api_client.get(f"{API}/members/{holder}/passport").json()["endorsements"]
    assert (endorsement["competency"], endorsement["endorser_id"]) == ("WEB-1", str(mentor.id))
