"""xAPI 1.0.3 requirements the LRS missed (issue 16), one test per rule, named by the
specification's section: Communication §1.1 (HEAD), §1.3 (alternate syntax), §1.5.2 /
Data §2.4.11 (multipart), §2.1.3 (Consistent-Through, formats), §2.5 with Data §2.4.4.1
(activity definitions), §3.1 (concurrency), Data §2.4.4.1 (interactions), §2.4.9
(authority)."""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory

from domains.learning.models import Statement
from domains.learning.tests.xapi.conftest import new_id, statement
from domains.learning.tests.xapi.test_attachments import BOUNDARY, PDF, attachment_object
from domains.learning.xapi.documents import ActivitiesApi, AgentsApi, StateApi
from domains.learning.xapi.statements import StatementsApi

pytestmark = pytest.mark.django_db(databases=["learning"])

CONSISTENT = "X-Experience-API-Consistent-Through"
COURSE = "https://learn.example.org/courses/django-basics"
QUIZ = "https://learn.example.org/quizzes/7"


def sub_statement(**overrides):
    body = statement(**overrides)
    return {"objectType": "SubStatement", **body}


# --- Communication §2.1.3: Consistent-Through on every Statement resource response ---


def test_communication_2_1_3_consistent_through_on_every_statement_response(lrs):
    [stored] = lrs.post(statement()).json()
    responses = {
        "single 200": lrs.get("statements", {"statementId": stored}),
        "single 404": lrs.get("statements", {"statementId": new_id()}),
        "voided 404": lrs.get("statements", {"voidedStatementId": stored}),
        "bad parameter 400": lrs.get("statements", {"statementId": "nope"}),
        "invalid statement 400": lrs.post(statement(verb={"id": "not an iri"})),
        "PUT without id 400": lrs.request("PUT", "statements", statement()),
        "no version header 400": lrs.get("statements", HTTP_X_EXPERIENCE_API_VERSION=""),
        "alternate syntax 400": lrs.client.post(
            "/xapi/statements?method=GET&verb=x", "", content_type="text/plain"
        ),
        "PUT 204": lrs.put(new_id(), statement()),
        "POST 200": lrs.post(statement()),
        "list 200": lrs.get("statements"),
    }
    for name, response in responses.items():
        assert CONSISTENT in response, name
        assert response[CONSISTENT].endswith("Z"), name
    assert [r.status_code for r in responses.values()] == [
        200, 404, 404, 400, 400, 400, 400, 400, 204, 200, 200,
    ]  # fmt: skip


# --- Data §2.4.4.1: interactionType and interaction components ---


@pytest.mark.parametrize("wrong", [{"type": "choice"}, ["choice"], 1, True])
@pytest.mark.parametrize("where", ["statement", "sub-statement"])
def test_data_2_4_4_1_interaction_type_of_the_wrong_json_type_is_400(lrs, wrong, where):
    activity = {"id": QUIZ, "definition": {"interactionType": wrong}}
    body = statement(object=activity)
    if where == "sub-statement":
        body = statement(object=sub_statement(object=activity))
    response = lrs.post(body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"].endswith("definition.interactionType")
    assert not Statement.objects.exists()


INTERACTION_WITHOUT_TYPE = {
    "true-false": {"correctResponsesPattern": ["true"]},
    "fill-in": {"correctResponsesPattern": ["Bob's your uncle"]},
    "long-fill-in": {"correctResponsesPattern": ["{case_matters=false}{lang=en}essay"]},
    "numeric": {"correctResponsesPattern": ["4[:]"]},
    "other": {"correctResponsesPattern": ["(35.937432,-86.868896)"]},
    "choice": {"choices": [{"id": "a", "description": {"en-US": "A"}}]},
    "likert": {"scale": [{"id": "likert_0", "description": {"en-US": "No"}}]},
    "matching source": {"source": [{"id": "ben", "description": {"en-US": "Ben"}}]},
    "matching target": {"target": [{"id": "3", "description": {"en-US": "Swimming"}}]},
    "performance": {"steps": [{"id": "pong", "description": {"en-US": "Net pong"}}]},
}


@pytest.mark.parametrize("case", sorted(INTERACTION_WITHOUT_TYPE))
@pytest.mark.parametrize("where", ["statement", "sub-statement", "context activity"])
def test_data_2_4_4_1_interaction_properties_without_interaction_type_are_400(lrs, case, where):
    definition = {"name": {"en-US": "Question"}, **INTERACTION_WITHOUT_TYPE[case]}
    activity = {"id": QUIZ, "definition": definition}
    if where == "statement":
        body = statement(object=activity)
    elif where == "sub-statement":
        body = statement(object=sub_statement(object=activity))
    else:
        body = statement(context={"contextActivities": {"parent": [activity]}})
    response = lrs.post(body)
    assert response.status_code == 400, (case, response.content)
    assert "interactionType" in response.json()["errors"][0]["detail"]
    # the same definition with its interactionType is accepted
    interaction = case.split()[0]
    definition["interactionType"] = interaction
    assert lrs.post(body).status_code == 200


# --- Data §2.4.9: a client-supplied authority is validated before it is replaced ---

MEMBER_A = {"objectType": "Agent", "mbox": "mailto:a@example.com"}
MEMBER_B = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "b"}}


@pytest.mark.parametrize(
    "authority",
    [
        pytest.param({"objectType": "Group", "mbox": "mailto:g@example.com",
                      "member": [MEMBER_A, MEMBER_B]}, id="identified group"),
        pytest.param({"objectType": "Group", "member": [MEMBER_A]}, id="anonymous group of one"),
        pytest.param({"objectType": "Group", "member": [MEMBER_A, MEMBER_B,
                      {"mbox": "mailto:c@example.com"}]}, id="anonymous group of three"),
        pytest.param({"objectType": "Agent", "name": "no identifier"}, id="agent without IFI"),
        pytest.param({"mbox": "ana@example.com"}, id="mbox without mailto"),
        pytest.param({"mbox": "mailto:a@example.com", "openid": "https://o.example"},
                     id="two identifiers"),
        pytest.param("Ana", id="not an object"),
    ],
)  # fmt: skip
def test_data_2_4_9_an_invalid_client_authority_is_400(lrs, authority):
    response = lrs.post(statement(authority=authority))
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"].startswith("authority")
    assert not Statement.objects.exists()


def test_data_2_4_9_a_valid_client_authority_is_accepted_and_replaced(lrs):
    oauth_pair = {"objectType": "Group", "member": [MEMBER_A, MEMBER_B]}
    [stored] = lrs.post(statement(authority=oauth_pair)).json()
    authority = lrs.get("statements", {"statementId": stored}).json()["authority"]
    assert authority["account"]["homePage"].endswith("/clients")


# --- Communication §1.3: alternate syntax content without a Content-Type field ---


def test_communication_1_3_alternate_syntax_content_without_content_type_is_json(lrs):
    statement_id = new_id()
    form = {
        "statementId": statement_id,
        "content": json.dumps(statement()),
        "Authorization": lrs.headers["HTTP_AUTHORIZATION"],
        "X-Experience-API-Version": "1.0.3",
    }
    response = lrs.client.post(
        "/xapi/statements?method=PUT",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204, response.content
    assert Statement.objects.filter(id=statement_id).exists()


# --- Data §2.4.11 / Communication §1.5.2: attachment parts are binary ---


@pytest.mark.parametrize("encoding", ["base64", None, "quoted-printable"])
def test_communication_1_5_2_attachment_parts_need_binary_transfer_encoding(lrs, encoding):
    sha2 = hashlib.sha256(PDF).hexdigest()
    body = statement(attachments=[attachment_object(PDF)])
    out = f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()
    out += json.dumps(body).encode() + b"\r\n"
    out += f"--{BOUNDARY}\r\nContent-Type: application/pdf\r\n".encode()
    if encoding:
        out += f"Content-Transfer-Encoding: {encoding}\r\n".encode()
    out += f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode() + PDF + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    response = lrs.post(out, content_type=f'multipart/mixed; boundary="{BOUNDARY}"')
    assert response.status_code == 400, response.content
    assert "Content-Transfer-Encoding" in response.json()["errors"][0]["detail"]
    assert not Statement.objects.exists()


# --- Communication §2.1.3: format=ids and format=canonical ---

DEFINED = {"name": {"en-US": "Quiz"}, "description": {"en-US": "A quiz"}}


def test_communication_2_1_3_format_ids_keeps_only_ids_of_every_activity(lrs):
    context = {
        "contextActivities": {
            "parent": [{"id": COURSE, "definition": DEFINED}],
            "grouping": [{"objectType": "Activity", "id": COURSE + "/all", "definition": DEFINED}],
            "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            "other": [{"id": QUIZ + "/other", "definition": DEFINED}],
        }
    }
    inner = sub_statement(object={"id": QUIZ, "definition": DEFINED}, context=context)
    # extension values are the client's own JSON: never reduced, whatever their keys
    opaque = {"object": {"id": QUIZ, "definition": DEFINED}, "actor": {"name": "x"}}
    extended = {**context, "extensions": {"https://example.org/ext/raw": opaque}}
    body = statement(object=inner, context=extended)
    [stored] = lrs.post(body).json()
    for query in ({"statementId": stored}, {}):
        got = lrs.get("statements", {**query, "format": "ids"}).json()
        got = got if query else got["statements"][0]
        for where in (got, got["object"]):
            for key, activities in where["context"]["contextActivities"].items():
                for activity in activities:
                    assert set(activity) <= {"id", "objectType"}, (key, activity)
        assert got["object"]["object"] == {"objectType": "Activity", "id": QUIZ}
        assert got["object"]["verb"] == {"id": body["verb"]["id"]}
        assert got["context"]["extensions"] == {"https://example.org/ext/raw": opaque}
        del got["context"]["extensions"]
        assert "definition" not in json.dumps(got)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("en-GB", "en-GB"),  # exact beats the primary subtag ("en" comes first in the map)
        ("en-GB, en;q=0.8", "en-GB"),
        ("fr-CA, en-GB;q=0.5", "en-GB"),  # no fr at all: the next language's exact tag
        ("en-AU", "en"),  # RFC 4647 lookup truncates en-AU to en
        ("de-DE-1996", "de"),
        ("es", "es-ES"),  # no lookup match: the primary subtag
    ],
)
def test_communication_2_1_3_canonical_prefers_the_exact_language_tag(lrs, accept, chosen):
    name = {"en": "Colour quiz", "en-US": "Color quiz", "en-GB": "Colour quiz (UK)",
            "de": "Farbquiz", "es-ES": "Cuestionario"}  # fmt: skip
    [stored] = lrs.post(statement(object={"id": QUIZ, "definition": {"name": name}})).json()
    got = lrs.get(
        "statements",
        {"statementId": stored, "format": "canonical"},
        HTTP_ACCEPT_LANGUAGE=accept,
    ).json()
    assert got["object"]["definition"]["name"] == {chosen: name[chosen]}


# --- Communication §2.5 and Data §2.4.4.1: the LRS's definition of an activity ---


def _activity(lrs, iri):
    response = lrs.get("activities", {"activityId": iri})
    assert response.status_code == 200, response.content
    return response.json()["definition"]


def test_communication_2_5_definitions_merge_language_maps_within_one_batch(lrs):
    first = {"name": {"en-US": "Quiz"}, "description": {"en-US": "A quiz"}}
    later = {
        "name": {"fr-FR": "Quiz (fr)"},
        "type": "http://adlnet.gov/expapi/activities/assessment",
    }
    batch = [
        statement(object={"id": QUIZ, "definition": first}),
        statement(object={"id": QUIZ, "definition": later}),
    ]
    assert lrs.post(batch).status_code == 200
    assert _activity(lrs, QUIZ) == {
        "name": {"en-US": "Quiz", "fr-FR": "Quiz (fr)"},
        "description": {"en-US": "A quiz"},
        "type": "http://adlnet.gov/expapi/activities/assessment",
    }


def test_communication_2_5_definitions_merge_language_maps_across_requests(lrs):
    interaction = {"interactionType": "choice", "correctResponsesPattern": ["a"],
                   "choices": [{"id": "a", "description": {"en-US": "Apple"}}]}  # fmt: skip
    lrs.post(
        statement(object={"id": QUIZ, "definition": {"name": {"en-US": "Quiz"}, **interaction}})
    )
    french = {**interaction, "choices": [{"id": "a", "description": {"fr-FR": "Pomme"}}]}
    lrs.post(
        statement(
            object={"id": COURSE},
            context={"contextActivities": {"parent": [{"id": QUIZ, "definition": {
                "name": {"fr-FR": "Quiz (fr)"}, **french}}]}},
        )
    )  # fmt: skip
    definition = _activity(lrs, QUIZ)
    assert definition["name"] == {"en-US": "Quiz", "fr-FR": "Quiz (fr)"}
    assert definition["choices"] == [
        {"id": "a", "description": {"en-US": "Apple", "fr-FR": "Pomme"}}
    ]
    # an activity named without a definition keeps what the LRS knows
    lrs.post(statement(object={"id": QUIZ}))
    assert _activity(lrs, QUIZ)["name"] == {"en-US": "Quiz", "fr-FR": "Quiz (fr)"}


# --- Communication §3.1: a profile PUT without a precondition ---


@pytest.mark.parametrize(
    ("resource", "key"),
    [
        ("activities/profile", {"activityId": COURSE}),
        ("agents/profile", {"agent": json.dumps({"mbox": "mailto:ana@example.com"})}),
    ],
)
def test_communication_3_1_profile_put_without_precondition_creates_but_never_overwrites(
    lrs, resource, key
):
    query = urlencode({**key, "profileId": "settings"})
    created = lrs.request("PUT", resource, {"v": 1}, query=query)
    assert created.status_code == 204  # nothing to overwrite: no precondition needed
    overwrite = lrs.request("PUT", resource, {"v": 2}, query=query)
    assert overwrite.status_code == 409
    assert "If-Match" in overwrite.json()["detail"]
    assert lrs.request("GET", resource, query=query).json() == {"v": 1}
    # State is exempt in 1.0.3 (Communication §3.1)
    state = urlencode({"activityId": COURSE, "agent": key.get("agent", json.dumps(MEMBER_A)),
                       "stateId": "s"})  # fmt: skip
    assert lrs.request("PUT", "activities/state", {"v": 1}, query=state).status_code == 204
    assert lrs.request("PUT", "activities/state", {"v": 2}, query=state).status_code == 204


# --- Communication §1.1: HEAD builds no body ---


def test_communication_1_1_head_builds_no_body(lrs):
    """Called on the view directly: the test client (like a WSGI server) would strip a
    HEAD body the view built, hiding whether it built one."""
    [stored] = lrs.post(statement(object={"id": QUIZ, "definition": DEFINED})).json()
    state = {"activityId": COURSE, "agent": json.dumps(MEMBER_A), "stateId": "s"}
    lrs.request("PUT", "activities/state", {"page": 3}, query=urlencode(state))
    factory = RequestFactory()
    ids = {k: v for k, v in state.items() if k != "stateId"}
    cases = [
        (StatementsApi, "/xapi/statements", {"statementId": stored}),
        (StatementsApi, "/xapi/statements", {}),
        (StatementsApi, "/xapi/statements", {"statementId": stored, "attachments": "true"}),
        (StateApi, "/xapi/activities/state", state),
        (StateApi, "/xapi/activities/state", ids),
        (ActivitiesApi, "/xapi/activities", {"activityId": QUIZ}),
        (AgentsApi, "/xapi/agents", {"agent": json.dumps(MEMBER_A)}),
    ]
    for view, path, params in cases:
        get = view.as_view()(factory.get(path, params, **lrs.headers))
        head = view.as_view()(factory.head(path, params, **lrs.headers))
        assert get.status_code == head.status_code == 200
        assert get.content and head.content == b"", (path, params)
        for header in ("Content-Type", "Last-Modified", "ETag", CONSISTENT):
            if header in get and header != CONSISTENT:
                assert head[header].split(";")[0] == get[header].split(";")[0], header
    missing = StatementsApi.as_view()(factory.head("/xapi/statements", {"statementId": new_id()},
                                                   **lrs.headers))  # fmt: skip
    assert missing.status_code == 404


# --- Communication §3.2: a body over the LRS's limit is 413 ---


def test_communication_3_2_a_body_over_the_limit_is_413(lrs, settings):
    settings.LRS_MAX_BODY_BYTES = 2048
    big = statement(result={"response": "x" * 4096})
    response = lrs.post(big)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert CONSISTENT in response
    state = urlencode({"activityId": COURSE, "agent": json.dumps(MEMBER_A), "stateId": "s"})
    assert lrs.request("PUT", "activities/state", big, query=state).status_code == 413
    assert not Statement.objects.exists()
