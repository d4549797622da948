"""xAPI-Communication §2.1.3 (GET statements): single statements, filters, paging
with ``more``, formats, ordering and the consistency headers."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from domains.learning.services.statements import statements_store
from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])

ANA = {"mbox": "mailto:ana@example.com"}
BRUNO = {"account": {"homePage": "https://lms.example", "name": "bruno"}}
COURSE = "https://learn.example.org/courses/django-basics"
QUIZ = "https://learn.example.org/quizzes/1"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


@pytest.fixture
def corpus(lrs):
    """Five statements, stored a second apart (oldest first)."""
    registration = new_id()
    bodies = [
        statement(id=new_id(), actor=ANA),
        statement(id=new_id(), actor=BRUNO, verb={"id": ATTEMPTED}, object={"id": QUIZ},
                  context={"registration": registration,
                           "contextActivities": {"parent": [{"id": COURSE}]}}),
        statement(id=new_id(), actor=BRUNO, object={"objectType": "Agent", **ANA}),
        statement(id=new_id(), actor=BRUNO, verb={"id": ATTEMPTED}, object={"id": COURSE},
                  context={"instructor": ANA}),
        statement(id=new_id(), actor=ANA, verb={"id": ATTEMPTED}, object={"id": QUIZ}),
    ]  # fmt: skip
    start = datetime(2026, 1, 1, tzinfo=UTC)
    authority = json.loads(json.dumps(_authority(lrs)))
    for i, body in enumerate(bodies):
        statements_store(
            statements=[body], authority=authority, batch=False,
            now=lambda i=i: start + timedelta(seconds=i),
        )  # fmt: skip
    return {"ids": [b["id"] for b in bodies], "registration": registration, "start": start}


def _authority(lrs):
    [probe] = lrs.post(statement(actor={"mbox": "mailto:probe@example.com"})).json()
    document = lrs.get("statements", {"statementId": probe}).json()
    lrs.post(
        statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": probe},
        )
    )
    return document["authority"]


def listed(lrs, corpus, **params):
    return [i for i in ids(lrs.get("statements", params)) if i in corpus["ids"]]


def test_list_is_newest_first_and_ascending_reverses(lrs, corpus):
    s = corpus["ids"]
    assert listed(lrs, corpus) == s[::-1]
    assert listed(lrs, corpus, ascending="true") == s


def test_agent_filter_matches_actor_and_agent_object(lrs, corpus):
    s = corpus["ids"]
    assert listed(lrs, corpus, agent=json.dumps(ANA)) == [s[4], s[2], s[0]]
    # related_agents adds the instructor (and authority, team, sub-statement agents)
    assert listed(lrs, corpus, agent=json.dumps(ANA), related_agents="true") == [
        s[4],
        s[3],
        s[2],
        s[0],
    ]


def test_verb_activity_registration_filters(lrs, corpus):
    s = corpus["ids"]
    assert listed(lrs, corpus, verb=ATTEMPTED) == [s[4], s[3], s[1]]
    assert listed(lrs, corpus, activity=COURSE) == [s[3], s[0]]
    assert listed(lrs, corpus, activity=COURSE, related_activities="true") == [s[3], s[1], s[0]]
    assert listed(lrs, corpus, registration=corpus["registration"]) == [s[1]]
    assert listed(lrs, corpus, agent=json.dumps(BRUNO), verb=ATTEMPTED, activity=QUIZ) == [s[1]]


def test_since_is_exclusive_and_until_inclusive(lrs, corpus):
    s, start = corpus["ids"], corpus["start"]
    since = (start + timedelta(seconds=1)).isoformat()
    until = (start + timedelta(seconds=3)).isoformat()
    assert listed(lrs, corpus, since=since, until=until) == [s[3], s[2]]


def test_more_pages_through_everything_once(lrs, corpus):
    seen, response = [], lrs.get("statements", {"limit": 2, "ascending": "true"})
    while True:
        page = response.json()
        assert len(page["statements"]) <= 2
        seen += [st["id"] for st in page["statements"]]
        if not page["more"]:
            break
        assert page["more"].startswith("/xapi/statements?more=")
        response = lrs.client.get(page["more"], **lrs.headers)
    assert [i for i in seen if i in corpus["ids"]] == corpus["ids"]
    assert len(seen) == len(set(seen))


def test_a_tampered_more_link_is_400(lrs, corpus):
    first = lrs.get("statements", {"limit": 1}).json()
    response = lrs.client.get(first["more"] + "x", **lrs.headers)
    assert response.status_code == 400


def test_consistent_through_and_last_modified_headers(lrs, corpus):
    response = lrs.get("statements")
    through = datetime.fromisoformat(
        response["X-Experience-API-Consistent-Through"].replace("Z", "+00:00")
    )
    assert through <= timezone.now()
    assert "Last-Modified" in response
    single = lrs.get("statements", {"statementId": corpus["ids"][0]})
    assert single["Last-Modified"] == "Thu, 01 Jan 2026 00:00:00 GMT"


def test_formats_ids_and_canonical(lrs, corpus):
    ident = corpus["ids"][0]
    exact = lrs.get("statements", {"statementId": ident}).json()
    assert exact["object"]["definition"]["name"] == {
        "en-US": "Django basics",
        "es": "Django básico",
    }
    reduced = lrs.get("statements", {"statementId": ident, "format": "ids"}).json()
    assert reduced["object"] == {"objectType": "Activity", "id": COURSE}
    assert reduced["actor"] == {"objectType": "Agent", **ANA}
    assert reduced["verb"] == {"id": COMPLETED}
    canonical = lrs.get(
        "statements",
        {"statementId": ident, "format": "canonical"},
        HTTP_ACCEPT_LANGUAGE="es-ES, en;q=0.5",
    ).json()
    assert canonical["object"]["definition"]["name"] == {"es": "Django básico"}
    assert lrs.get("statements", {"format": "pretty"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {
            "statementId": "6f1c1c9e-0000-4000-8000-000000000000",
            "voidedStatementId": "6f1c1c9e-0000-4000-8000-000000000000",
        },
        {"statementId": "6f1c1c9e-0000-4000-8000-000000000000", "verb": COMPLETED},
        {"statementId": "nope"},
        {"colour": "blue"},
        {"agent": "not json"},
        {"agent": json.dumps({"name": "no ifi"})},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"ascending": "maybe"},
        {"registration": "r"},
        {"format": "pretty"},
        {"statementId": "6f1c1c9e-0000-4000-8000-000000000000", "format": "pretty"},
    ],
)
def test_bad_query_parameters_are_400(lrs, params):
    response = lrs.get("statements", params)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"]


def test_an_unknown_statement_is_404(lrs):
    response = lrs.get("statements", {"statementId": new_id()})
    assert response.status_code == 404
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_head_answers_like_get_without_a_body(lrs, corpus):
    response = lrs.client.head("/xapi/statements", {"statementId": corpus["ids"][0]}, **lrs.headers)
    assert response.status_code == 200
    assert response["Last-Modified"] == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert response.content == b""
