"""xAPI 2.0 (IEEE 9274.1.1-2023) beside 1.0.3 on one statement store, chosen per
request by X-Experience-API-Version; one test per difference, named by the 2.0
section (§4.1 LRS communication, §4.2 data) as the ADL 2.0 conformance suite numbers
them, or by the 1.0.3 Communication section where 2.0 removed or kept the rule
(alternate syntax §1.3, about §2.8, versioning §3.3)."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from domains.learning.models import Statement
from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])

V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
CONSISTENT = "X-Experience-API-Consistent-Through"
COURSE = "https://learn.example.org/courses/django-basics"
ROLE = "https://example.org/xapi/roles/observer"
PEER = {"objectType": "Agent", "mbox": "mailto:peer@example.com"}
TEAM = {"objectType": "Group", "name": "Team", "account": {"homePage": "https://lms.example",
                                                            "name": "team-7"}}  # fmt: skip
CONTEXT_2_0 = {
    "contextAgents": [{"objectType": "contextAgent", "agent": PEER, "relevantTypes": [ROLE]}],
    "contextGroups": [{"objectType": "contextGroup", "group": TEAM}],
}


def sub_statement(**overrides):
    return {"objectType": "SubStatement", **statement(**overrides)}


# --- Communication §3.3: version negotiation ---


@pytest.mark.parametrize(
    ("sent", "applied"),
    [("2.0.0", "2.0.0"), ("2.0", "2.0.0"), ("2.0.1", "2.0.0"), ("1.0.3", "1.0.3"),
     ("1.0.1", "1.0.3"), ("1.0", "1.0.3")],
)  # fmt: skip
def test_communication_3_3_the_version_header_chooses_the_version_applied(lrs, sent, applied):
    response = lrs.get("statements", HTTP_X_EXPERIENCE_API_VERSION=sent)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == applied
    refused = lrs.post(statement(verb={"id": "nope"}), HTTP_X_EXPERIENCE_API_VERSION=sent)
    assert refused.status_code == 400
    assert refused["X-Experience-API-Version"] == applied


@pytest.mark.parametrize("sent", ["3.0.0", "2.1.0", "0.95", "2", ""])
def test_communication_3_3_an_unknown_version_is_400(lrs, sent):
    assert lrs.get("statements", HTTP_X_EXPERIENCE_API_VERSION=sent).status_code == 400


def test_communication_2_8_about_lists_both_versions():
    public = Client().get("/xapi/about").json()["version"]
    assert public[:2] == ["2.0.0", "1.0.3"]
    assert Client().get("/xapi/about", **V2).json()["version"][:2] == ["2.0.0", "1.0.3"]
    # a 1.0.x client is told the 1.0.x versions (TinCan clients refuse unknown ones)
    old = Client().get("/xapi/about", HTTP_X_EXPERIENCE_API_VERSION="1.0.3").json()
    assert old["version"][0] == "1.0.3" and "2.0.0" not in old["version"]


# --- §4.2.4.3 Version property ---


def test_4_2_4_3_the_statement_version_is_set_and_kept_per_request_version(lrs):
    [as_2] = lrs.post(statement(), **V2).json()
    [as_1] = lrs.post(statement()).json()
    [kept] = lrs.post(statement(version="1.0.3"), **V2).json()
    versions = {
        ident: lrs.get("statements", {"statementId": ident}, **V2).json()["version"]
        for ident in (as_2, as_1, kept)
    }
    assert versions == {as_2: "2.0.0", as_1: "1.0.0", kept: "1.0.3"}
    assert lrs.post(statement(version="2.0.0"), **V2).status_code == 200
    refused_by_1 = lrs.post(statement(version="2.0.0"))
    assert refused_by_1.status_code == 400
    assert refused_by_1.json()["errors"][0]["field"] == "version"
    assert lrs.post(statement(version="3.0.0"), **V2).status_code == 400


# --- §4.2.2.5 Context: contextAgents and contextGroups ---


@pytest.mark.parametrize("where", ["statement", "sub-statement"])
def test_4_2_2_5_context_agents_and_groups_are_accepted_in_2_0_only(lrs, where):
    body = statement(context=CONTEXT_2_0)
    if where == "sub-statement":
        body = statement(object=sub_statement(context=CONTEXT_2_0))
    refused = lrs.post(body)
    assert refused.status_code == 400
    assert "contextAgents" in refused.json()["errors"][0]["field"]
    assert not Statement.objects.exists()
    [stored] = lrs.post(body, **V2).json()
    got = lrs.get("statements", {"statementId": stored}, **V2).json()
    context = got["context"] if where == "statement" else got["object"]["context"]
    assert context == CONTEXT_2_0


INVALID_CONTEXT_AGENTS = {
    "objectType not contextAgent": {"contextAgents": [{"objectType": "Agent", "agent": PEER}]},
    "objectType missing": {"contextAgents": [{"agent": PEER}]},
    "agent missing": {"contextAgents": [{"objectType": "contextAgent"}]},
    "agent invalid": {"contextAgents": [{"objectType": "contextAgent", "agent": {"key": "x"}}]},
    "agent a group": {"contextAgents": [{"objectType": "contextAgent", "agent": TEAM}]},
    "relevantTypes empty": {
        "contextAgents": [{"objectType": "contextAgent", "agent": PEER, "relevantTypes": []}]
    },
    "relevantTypes not IRIs": {
        "contextAgents": [{"objectType": "contextAgent", "agent": PEER, "relevantTypes": ["abc"]}]
    },
    "not an array": {"contextAgents": {"objectType": "contextAgent", "agent": PEER}},
    "unknown property": {
        "contextAgents": [{"objectType": "contextAgent", "agent": PEER, "role": "x"}]
    },
    "group objectType": {"contextGroups": [{"objectType": "contextAgent", "group": TEAM}]},
    "group an agent": {"contextGroups": [{"objectType": "contextGroup", "group": PEER}]},
    "group relevantTypes empty": {
        "contextGroups": [{"objectType": "contextGroup", "group": TEAM, "relevantTypes": []}]
    },
}


@pytest.mark.parametrize("case", sorted(INVALID_CONTEXT_AGENTS))
@pytest.mark.parametrize("where", ["statement", "sub-statement"])
def test_4_2_2_5_invalid_context_agents_and_groups_are_400(lrs, case, where):
    context = INVALID_CONTEXT_AGENTS[case]
    body = statement(context=context)
    if where == "sub-statement":
        body = statement(object=sub_statement(context=context))
    response = lrs.post(body, **V2)
    assert response.status_code == 400, (case, response.content)
    assert "context" in response.json()["errors"][0]["field"]


def test_4_1_6_1_related_agents_include_context_agents_and_groups(lrs):
    [stored] = lrs.post(statement(context=CONTEXT_2_0), **V2).json()
    for who in (PEER, TEAM):
        params = {"agent": json.dumps(who), "related_agents": "true"}
        assert [s["id"] for s in lrs.get("statements", params, **V2).json()["statements"]] == [
            stored
        ]
        direct = lrs.get("statements", {"agent": json.dumps(who)}, **V2).json()
        assert direct["statements"] == []


# --- one store, both versions ---


def test_4_2_a_2_0_statement_is_readable_by_a_1_0_3_client_and_the_reverse(lrs):
    [by_2] = lrs.post(statement(context=CONTEXT_2_0, object=sub_statement(context=CONTEXT_2_0)),
                      **V2).json()  # fmt: skip
    old = lrs.get("statements", {"statementId": by_2})
    assert old.status_code == 200 and old["X-Experience-API-Version"] == "1.0.3"
    seen = old.json()
    # 1.0.3 defines no context agents or groups: a 1.0.3 reader gets the rest
    assert "contextAgents" not in json.dumps(seen) and "contextGroups" not in json.dumps(seen)
    assert seen["version"] == "2.0.0"  # kept as stored (Data §2.4.10, both versions)
    listed = lrs.get("statements").json()["statements"]
    assert "contextAgents" not in json.dumps(listed)
    assert lrs.get("statements", {"statementId": by_2, "format": "ids"}).json()["context"] == {}
    # the 2.0 reader sees everything
    assert lrs.get("statements", {"statementId": by_2}, **V2).json()["context"] == CONTEXT_2_0
    # the reverse: a 1.0.3 statement read by a 2.0 client is returned as stored
    [by_1] = lrs.post(statement(context={"registration": new_id()})).json()
    as_1 = lrs.get("statements", {"statementId": by_1}).json()
    as_2 = lrs.get("statements", {"statementId": by_1}, **V2)
    assert as_2["X-Experience-API-Version"] == "2.0.0"
    assert as_2.json() == as_1 and as_1["version"] == "1.0.0"


def test_4_2_a_repeated_id_from_the_other_version_is_the_same_statement(lrs):
    ident = new_id()
    assert lrs.put(ident, statement(), **V2).status_code == 204
    assert lrs.put(ident, statement()).status_code == 204  # same content: a no-op
    assert lrs.put(ident, statement(verb={"id": "https://example.org/other"})).status_code == 409


# --- Communication §1.3: no alternate request syntax in 2.0 ---


def test_communication_1_3_the_alternate_request_syntax_is_refused_in_2_0_and_kept_for_1_0_3(lrs):
    def alternate(version, header=None):
        form = {
            "statementId": new_id(),
            "content": json.dumps(statement()),
            "Authorization": lrs.headers["HTTP_AUTHORIZATION"],
            "X-Experience-API-Version": version,
            "Content-Type": "application/json",
        }
        extra = {"HTTP_X_EXPERIENCE_API_VERSION": header} if header else {}
        return lrs.client.post(
            "/xapi/statements?method=PUT",
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            **extra,
        )

    refused = alternate("2.0.0")
    assert refused.status_code == 400
    assert refused["X-Experience-API-Version"] == "2.0.0"
    assert CONSISTENT in refused
    assert alternate("1.0.3", header="2.0.0").status_code == 400  # the header says 2.0 too
    assert not Statement.objects.exists()
    assert alternate("1.0.3").status_code == 204


# --- §4.2.4.2 Timestamp (with §4.2.7 data types): RFC 3339, a time zone, UTC out ---


@pytest.mark.parametrize("where", ["statement", "sub-statement"])
def test_4_2_4_2_timestamps_are_rfc_3339_with_a_time_zone(lrs, where):
    def body(timestamp):
        if where == "statement":
            return statement(timestamp=timestamp)
        return statement(object=sub_statement(timestamp=timestamp))

    no_zone = "2026-03-01T10:00:00.123"
    assert lrs.post(body(no_zone), **V2).status_code == 400
    assert lrs.post(body(no_zone)).status_code == 200  # 1.0.3: ISO 8601, zone optional
    assert lrs.post(body("2026-03-01T10:00Z"), **V2).status_code == 400  # seconds required
    for negative_zero in ("2026-03-01T10:00:00.601-00:00", "2026-03-01T10:00:00.601-0000"):
        assert lrs.post(body(negative_zero), **V2).status_code == 400
        assert lrs.post(body(negative_zero)).status_code == 400
    [stored] = lrs.post(body("2026-03-01 12:00:00.601+02:00"), **V2).json()
    got = lrs.get("statements", {"statementId": stored}, **V2).json()
    if where == "statement":
        assert got["timestamp"] == "2026-03-01T10:00:00.601000Z"  # returned in UTC
    else:
        assert got["object"]["timestamp"] == "2026-03-01 12:00:00.601+02:00"


# --- §4.1.4 Concurrency, Consistent-Through and Last-Modified as 2.0 states them ---


def test_4_1_4_a_state_put_without_precondition_over_an_existing_document_is_409_in_2_0(lrs):
    query = urlencode({"activityId": COURSE, "agent": json.dumps(PEER), "stateId": "bookmark"})
    created = lrs.request("PUT", "activities/state", {"page": 1}, query=query, **V2)
    assert created.status_code == 204  # creating needs no precondition
    blind = lrs.request("PUT", "activities/state", {"page": 2}, query=query, **V2)
    assert blind.status_code == 409
    assert lrs.request("GET", "activities/state", query=query, **V2).json() == {"page": 1}
    stale = lrs.request("POST", "activities/state", {"page": 2}, query=query,
                        HTTP_IF_MATCH='"0000"', **V2)  # fmt: skip
    assert stale.status_code == 412
    fresh = lrs.request("PUT", "activities/state", {"page": 3}, query=query,
                        HTTP_IF_MATCH=created["ETag"], **V2)  # fmt: skip
    assert fresh.status_code == 204
    # 1.0.3 keeps State free of preconditions
    assert lrs.request("PUT", "activities/state", {"page": 4}, query=query).status_code == 204


def test_4_1_6_1_consistent_through_and_last_modified_in_2_0(lrs):
    [stored] = lrs.post(statement(), **V2).json()
    single = lrs.get("statements", {"statementId": stored}, **V2)
    assert CONSISTENT in single and single["X-Experience-API-Version"] == "2.0.0"
    document = single.json()
    from django.utils.http import parse_http_date

    from domains.learning.domain.xapi.formats import parse_timestamp

    assert parse_http_date(single["Last-Modified"]) == int(
        parse_timestamp(document["stored"]).timestamp()
    )
    for response in (
        lrs.get("statements", {"statementId": new_id()}, **V2),
        lrs.get("statements", {"since": "never"}, **V2),
        lrs.get("statements", **V2),
    ):
        assert CONSISTENT in response
    query = urlencode({"activityId": COURSE, "profileId": "p"})
    lrs.request("PUT", "activities/profile", {"v": 1}, query=query, **V2)
    assert "Last-Modified" in lrs.request("GET", "activities/profile", query=query, **V2)


# --- §4.1.6.4 Activities resource: an unknown activity is still an Activity Object ---


def test_4_1_6_4_an_activity_the_lrs_never_saw_is_returned_with_its_id_in_2_0(lrs):
    unknown = "https://learn.example.org/never-seen/" + new_id()
    got = lrs.get("activities", {"activityId": unknown}, **V2)
    assert got.status_code == 200
    assert got.json() == {"objectType": "Activity", "id": unknown}
    assert lrs.get("activities", {"activityId": unknown}).status_code == 404  # 1.0.3 as before


def test_4_2_statement_comparison_ignores_case_and_duration_beyond_a_hundredth_in_2_0(lrs):
    """IEEE 9274.1.1 §4.2 (immutability: "Case (upper vs. lower)" is not considered)
    and §4.2.7 (durations compared to 0.01 s): a 2.0 repeat is the same statement;
    the same repeat under 1.0.3 is another statement (409)."""
    first = statement(id=new_id(), result={"duration": "PT1.001S"})
    assert lrs.post(first, **V2).status_code == 200
    repeat = {
        **first,
        "actor": {**first["actor"], "name": "ANA"},
        "result": {"duration": "PT1.004S"},
    }
    assert lrs.post(repeat, **V2).status_code == 200
    assert lrs.post(repeat).status_code == 409
    assert lrs.post({**repeat, "result": {"duration": "PT1.01S"}}, **V2).status_code == 409
    assert Statement.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, V2], ids=["1.0.3", "2.0"])
def test_4_2_7_durations_take_the_4_4_3_2_format_only_and_finer_precision_is_kept(lrs, headers):
    """§4.2.7 Duration: the alternative format (ISO 8601 §4.4.3.3) is refused; a
    duration finer than 0.01 s is accepted (the LRS may truncate; this one keeps it)."""
    for alternative in ("P0003-06-04T12:30:05", "PT1,5S", "P1Y2MT"):
        refused = lrs.post(statement(result={"duration": alternative}), **headers)
        assert refused.status_code == 400, alternative
        assert refused.json()["errors"][0]["field"] == "result.duration"
    body = statement(id=new_id(), result={"duration": "PT1.0049S"})
    assert lrs.post(body, **headers).status_code == 200
    got = lrs.get("statements", {"statementId": body["id"]}, **headers).json()
    assert got["result"]["duration"] == "PT1.0049S"
