"""xAPI-Communication §2.3 (State), §2.6 (Activity Profile), §2.7 (Agent Profile),
§2.5 (Activities), §2.4 (Agents): documents with ETags and concurrency control."""

import hashlib
import json
import threading

import pytest
from django.db import connections

from domains.learning.tests.xapi.conftest import new_id, statement

ACTIVITY = "https://learn.example.org/courses/django-basics"
AGENT = json.dumps({"mbox": "mailto:ana@example.com"})
STATE = f"activityId={ACTIVITY}&agent={AGENT}"


def q(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


@pytest.mark.django_db(databases=["learning"])
class TestState:
    def test_put_get_delete_with_etag(self, lrs):
        query = q(activityId=ACTIVITY, agent=AGENT, stateId="bookmark")
        put = lrs.request("PUT", "activities/state", {"page": 3}, query=query)
        assert put.status_code == 204
        got = lrs.request("GET", "activities/state", query=query)
        assert got.status_code == 200 and got.json() == {"page": 3}
        assert got["ETag"] == put["ETag"]
        assert "Last-Modified" in got
        assert lrs.request("DELETE", "activities/state", query=query).status_code == 204
        assert lrs.request("GET", "activities/state", query=query).status_code == 404

    def test_post_merges_json_objects(self, lrs):
        query = q(activityId=ACTIVITY, agent=AGENT, stateId="progress")
        lrs.request("POST", "activities/state", {"a": 1, "b": 1}, query=query)
        lrs.request("POST", "activities/state", {"b": 2, "c": 3}, query=query)
        assert lrs.request("GET", "activities/state", query=query).json() == {
            "a": 1,
            "b": 2,
            "c": 3,
        }
        not_json = lrs.request(
            "POST", "activities/state", "plain", content_type="text/plain", query=query
        )
        assert not_json.status_code == 400

    def test_registration_separates_state_and_ids_list_with_since(self, lrs):
        registration = new_id()
        base = {"activityId": ACTIVITY, "agent": AGENT}
        lrs.request("PUT", "activities/state", {"x": 1}, query=q(**base, stateId="s1"))
        lrs.request(
            "PUT",
            "activities/state",
            {"x": 2},
            query=q(**base, stateId="s2", registration=registration),
        )
        assert lrs.request("GET", "activities/state", query=q(**base)).json() == ["s1"]
        assert lrs.request(
            "GET", "activities/state", query=q(**base, registration=registration)
        ).json() == ["s2"]
        later = q(**base, since="2999-01-01T00:00:00Z")
        assert lrs.request("GET", "activities/state", query=later).json() == []

    def test_delete_without_state_id_deletes_all_of_the_agent_and_activity(self, lrs):
        base = {"activityId": ACTIVITY, "agent": AGENT}
        for state_id in ("s1", "s2"):
            lrs.request("PUT", "activities/state", {"x": 1}, query=q(**base, stateId=state_id))
        assert lrs.request("DELETE", "activities/state", query=q(**base)).status_code == 204
        assert lrs.request("GET", "activities/state", query=q(**base)).json() == []

    @pytest.mark.parametrize(
        "query",
        [
            q(agent=AGENT, stateId="s"),
            q(activityId="not an iri", agent=AGENT, stateId="s"),
            q(activityId=ACTIVITY, stateId="s"),
            q(activityId=ACTIVITY, agent='{"name": "no ifi"}', stateId="s"),
            q(activityId=ACTIVITY, agent=AGENT, stateId="s", registration="r"),
            q(activityId=ACTIVITY, agent=AGENT, stateId="s", colour="blue"),
        ],
    )
    def test_bad_parameters_are_400(self, lrs, query):
        assert lrs.request("PUT", "activities/state", {"x": 1}, query=query).status_code == 400


@pytest.mark.django_db(databases=["learning"])
class TestProfiles:
    @pytest.mark.parametrize(
        ("resource", "key"),
        [("activities/profile", {"activityId": ACTIVITY}), ("agents/profile", {"agent": AGENT})],
    )
    def test_concurrency_headers(self, lrs, resource, key):
        query = q(**key, profileId="prefs")
        created = lrs.request("PUT", resource, {"v": 1}, query=query, HTTP_IF_NONE_MATCH="*")
        assert created.status_code == 204
        etag = created["ETag"]
        again = lrs.request("PUT", resource, {"v": 2}, query=query, HTTP_IF_NONE_MATCH="*")
        assert again.status_code == 412
        blind = lrs.request("PUT", resource, {"v": 2}, query=query)
        assert blind.status_code == 409  # an existing profile needs a precondition
        stale = lrs.request("PUT", resource, {"v": 2}, query=query, HTTP_IF_MATCH='"0000"')
        assert stale.status_code == 412
        fresh = lrs.request("PUT", resource, {"v": 2}, query=query, HTTP_IF_MATCH=etag)
        assert fresh.status_code == 204
        assert lrs.request("GET", resource, query=query).json() == {"v": 2}
        assert lrs.request("GET", resource, query=q(**key)).json() == ["prefs"]
        deleted = lrs.request("DELETE", resource, query=query, HTTP_IF_MATCH=etag)
        assert deleted.status_code == 412  # etag is stale now
        assert lrs.request("DELETE", resource, query=query).status_code == 204

    def test_a_non_json_profile_is_stored_as_sent(self, lrs):
        query = q(activityId=ACTIVITY, profileId="notes")
        put = lrs.request(
            "PUT",
            "activities/profile",
            b"\x00\x01binary",
            content_type="application/octet-stream",
            query=query,
        )
        assert put.status_code == 204
        got = lrs.request("GET", "activities/profile", query=query)
        assert got.content == b"\x00\x01binary"
        assert got["Content-Type"] == "application/octet-stream"


@pytest.mark.django_db(transaction=True, databases=["learning"])
def test_concurrent_writers_with_the_same_if_match_one_wins_the_others_get_412(lrs):
    query = q(activityId=ACTIVITY, profileId="shared")
    etag = lrs.request("PUT", "activities/profile", {"v": 0}, query=query)["ETag"]
    statuses = []
    barrier = threading.Barrier(4)

    def write(n):
        try:
            barrier.wait()
            response = lrs.request(
                "PUT", "activities/profile", {"v": n}, query=query, HTTP_IF_MATCH=etag
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [204, 412, 412, 412]


@pytest.mark.django_db(databases=["learning"])
def test_activities_resource_returns_the_stored_definition(lrs):
    lrs.post(statement())
    got = lrs.request("GET", "activities", query=q(activityId=ACTIVITY))
    assert got.status_code == 200
    assert got.json()["definition"]["name"]["en-US"] == "Django basics"
    assert (
        lrs.request(
            "GET", "activities", query=q(activityId="https://unknown.example/x")
        ).status_code
        == 404
    )


ANA_SHA1 = hashlib.sha1(b"mailto:ana@example.com", usedforsecurity=False).hexdigest()


@pytest.mark.django_db(databases=["learning"])
def test_agents_resource_returns_a_person(lrs):
    lrs.post(statement())
    person = lrs.request("GET", "agents", query=q(agent=AGENT)).json()
    assert person == {
        "objectType": "Person",
        "mbox": ["mailto:ana@example.com"],
        "mbox_sha1sum": [ANA_SHA1],
        "name": ["Ana"],
    }
    assert lrs.request("GET", "agents", query=q(agent="{}")).status_code == 400


@pytest.mark.django_db(databases=["learning"])
def test_the_person_joins_an_address_and_its_sha1_sum(lrs):
    """§2.4: the LRS may combine agents that are one person; an mbox and the SHA-1 of
    that same mailto IRI are, so the Person carries both and both agents' names."""
    hashed = {"objectType": "Agent", "name": "A. Silva", "mbox_sha1sum": ANA_SHA1}
    lrs.post(statement(actor=hashed))
    lrs.post(statement())  # as "Ana", by mbox
    lrs.post(statement(actor={"name": "Bruno", "mbox": "mailto:bruno@example.com"}))
    by_address = lrs.request("GET", "agents", query=q(agent=AGENT)).json()
    assert by_address["mbox_sha1sum"] == [ANA_SHA1]
    assert sorted(by_address["name"]) == ["A. Silva", "Ana"]
    by_hash = lrs.request("GET", "agents", query=q(agent=json.dumps({"mbox_sha1sum": ANA_SHA1})))
    assert by_hash.json() == {
        "objectType": "Person", "mbox_sha1sum": [ANA_SHA1], "name": ["A. Silva"],
    }  # fmt: skip


@pytest.mark.django_db(databases=["learning"])
@pytest.mark.parametrize(
    ("resource", "base", "id_param"),
    [
        ("activities/state", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
        ("activities/profile", {"activityId": ACTIVITY}, "profileId"),
        ("agents/profile", {"agent": AGENT}, "profileId"),
    ],
)
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_communication_2_2_an_id_list_carries_the_last_modified_of_its_newest_document(
    lrs, resource, base, id_param, version
):
    """The id list (optionally ``since``) says when what it lists was last modified,
    as a single document's GET does: the newest listed document's time."""
    from datetime import UTC, datetime

    from django.utils.http import http_date

    from domains.learning.models import Document

    headers = {"HTTP_X_EXPERIENCE_API_VERSION": version}
    for doc in ("older", "newer"):
        put = lrs.request(
            "PUT",
            resource,
            {"d": doc},
            query=q(**base, **{id_param: doc}),
            HTTP_IF_NONE_MATCH="*",
            **headers,
        )
        assert put.status_code == 204, put.content
    Document.objects.filter(document_id="older").update(updated=datetime(2020, 1, 1, tzinfo=UTC))
    newer = lrs.request("GET", resource, query=q(**base, **{id_param: "newer"}), **headers)
    listed = lrs.request("GET", resource, query=q(**base), **headers)
    assert listed.json() == ["newer", "older"]
    assert listed["Last-Modified"] == newer["Last-Modified"] != http_date(1577836800)
    head = lrs.request("HEAD", resource, query=q(**base), **headers)
    assert head["Last-Modified"] == newer["Last-Modified"] and head.content == b""
    since = lrs.request("GET", resource, query=q(**base, since="2021-01-01T00:00:00Z"), **headers)
    assert since.json() == ["newer"] and since["Last-Modified"] == newer["Last-Modified"]
    Document.objects.filter(document_id="newer").delete()
    assert lrs.request("GET", resource, query=q(**base), **headers)["Last-Modified"] == http_date(
        1577836800
    )
    none = lrs.request("GET", resource, query=q(**base, since="2999-01-01T00:00:00Z"), **headers)
    assert none.json() == [] and "Last-Modified" not in none
