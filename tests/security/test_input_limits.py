"""Bad input at every public parser is a 4xx naming the problem, with nothing written
(issue 15, Medium 9): JSON nested 1,000 and 100,000 deep answered 500
(``RecursionError``) on login, proposals, statements and credential verification; NUL
characters and over-long IRIs/mboxes in statements answered 500 (``DataError``)."""

import copy
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from domains.learning.models import Statement, StatementLink
from domains.learning.services.clients import lrs_client_create
from domains.learning.tests.xapi.conftest import basic
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__")

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture
def tool():
    client, secret = lrs_client_create(name="Course player")
    return basic(client.key, secret)


def _post(path: str, body: str, **headers):
    return Client().post(path, body, content_type="application/json", **headers)


def _parsers(tool) -> dict[str, tuple[str, dict]]:
    return {
        "login": ("/api/v1/identity/auth/login", {}),
        "proposals": ("/api/v1/governance/proposals/create", bearer(member())),
        "credential verification": ("/api/v1/passport/credentials/verify", {}),
        "statements": ("/xapi/statements", {**tool, **VERSION}),
    }


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("parser", ["login", "proposals", "credential verification", "statements"])
def test_deeply_nested_json_is_a_400_naming_the_problem(tool, settings, parser, depth):
    settings.RATELIMIT_ENABLE = False
    path, headers = _parsers(tool)[parser]
    response = _post(path, nested(depth), **headers)
    assert response.status_code == 400, response.content[:300]
    assert "nested deeper than" in response.content.decode()
    assert not Statement.objects.exists()


def test_an_oversized_api_body_is_a_413(settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"email": "a@example.org", "password": "x" * 2000})
    response = _post("/api/v1/identity/auth/login", body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_a_nul_in_an_api_body_is_a_400():
    body = json.dumps({"email": "a@example.org", "password": "pass\x00word"})
    response = _post("/api/v1/identity/auth/login", body)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


STATEMENT = {
    "id": "6fbd600f-d17c-4c74-801a-2ec2e53231a7",
    "actor": {"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "done"}},
    "object": {
        "objectType": "Activity", "id": "https://learn.example.org/courses/one",
        "definition": {"name": {"en-US": "One"}, "description": {"en-US": "First"},
                       "type": "http://adlnet.gov/expapi/activities/course"},
    },
    "result": {"response": "yes", "success": True},
    "context": {"registration": "0e8f3d4e-7d5b-4a36-9a7c-33b8a8c2a3f1", "platform": "web",
                "language": "en-US",
                "contextActivities": {"parent": [{"id": "https://learn.example.org/p"}]},
                "extensions": {"https://learn.example.org/x/ext": "value"}},
    "timestamp": "2026-01-02T03:04:05Z",
}  # fmt: skip

STRING_FIELDS = [
    ("id",), ("actor", "name"), ("actor", "mbox"), ("verb", "id"), ("verb", "display", "en-US"),
    ("object", "id"), ("object", "definition", "name", "en-US"),
    ("object", "definition", "description", "en-US"), ("object", "definition", "type"),
    ("result", "response"), ("context", "registration"), ("context", "platform"),
    ("context", "language"), ("context", "contextActivities", "parent", 0, "id"),
    ("context", "extensions", "https://learn.example.org/x/ext"), ("timestamp",),
]  # fmt: skip


def _with(path: tuple, change) -> dict:
    statement = copy.deepcopy(STATEMENT)
    parent = statement
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = change(parent[path[-1]])
    return statement


def pointer(path: tuple) -> str:
    """RFC 6901: "~" and "/" inside a property name are escaped."""
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _nothing_written():
    assert not Statement.objects.exists()
    assert not StatementLink.objects.exists()


def test_the_valid_statement_is_stored(tool):
    assert _post("/xapi/statements", json.dumps(STATEMENT), **tool, **VERSION).status_code == 200


@pytest.mark.parametrize("path", STRING_FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_a_nul_in_any_statement_field_is_a_400_and_nothing_is_written(tool, path):
    body = json.dumps(_with(path, lambda value: value[:3] + "\x00" + value[3:]))
    response = _post("/xapi/statements", body, **tool, **VERSION)
    assert response.status_code == 400, response.content
    assert response["X-Experience-API-Version"] == "1.0.3"
    (error,) = response.json()["errors"]
    assert error["pointer"] == pointer(path)
    _nothing_written()


LONG = [
    (("actor", "mbox"), lambda v: "mailto:" + "a" * 3000 + "@example.com"),
    (("verb", "id"), lambda v: v + "/" + "v" * 3000),
    (("object", "id"), lambda v: v + "/" + "o" * 3000),
    (("object", "definition", "type"), lambda v: v + "/" + "t" * 3000),
    (("context", "contextActivities", "parent", 0, "id"), lambda v: v + "/" + "p" * 3000),
]


@pytest.mark.parametrize(
    ("path", "change"), LONG, ids=[".".join(map(str, path)) for path, _ in LONG]
)
def test_an_over_long_iri_or_mbox_is_a_400_and_nothing_is_written(tool, path, change):
    response = _post("/xapi/statements", json.dumps(_with(path, change)), **tool, **VERSION)
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["pointer"] == pointer(path)
    _nothing_written()


def test_an_over_long_account_is_a_400(tool):
    actor = {"account": {"homePage": "https://x.example/" + "h" * 1500, "name": "n" * 1500}}
    statement = {**STATEMENT, "actor": actor}
    response = _post("/xapi/statements", json.dumps(statement), **tool, **VERSION)
    assert response.status_code == 400
    _nothing_written()


@pytest.mark.parametrize(
    "params",
    [{"stateId": "s\x00"}, {"stateId": "s" * 3000},
     {"activityId": "https://learn.example.org/" + "a" * 3000}],
)  # fmt: skip
def test_document_requests_with_nul_or_over_long_identifiers_are_a_400(tool, params):
    query = {
        "activityId": "https://learn.example.org/a", "stateId": "s",
        "agent": json.dumps({"mbox": "mailto:ana@example.com"}), **params,
    }  # fmt: skip
    response = Client().generic(
        "PUT", f"/xapi/activities/state?{urlencode(query)}",
        b"{}", content_type="application/json", **tool, **VERSION,
    )  # fmt: skip
    assert response.status_code == 400, response.content
