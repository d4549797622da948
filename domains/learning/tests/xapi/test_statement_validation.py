# ruff: noqa: E501 - one case per line reads as a table of the specification's rules
"""xAPI-Data §2.4 (statement properties) and §4 (formats): a statement that breaks a
rule gets 400 naming the property, as problem+json with a JSON pointer."""

import pytest

from domains.learning.models import Statement
from domains.learning.tests.xapi.conftest import statement

pytestmark = pytest.mark.django_db(databases=["learning"])

AGENT = {"mbox": "mailto:ana@example.com"}
ACTIVITY = {"id": "https://example.org/a"}

CASES = [
    # §2.4.1 required properties
    ("2.4 actor required", statement(actor=None), "actor"),
    ("2.4 verb required", statement(verb=None), "verb"),
    ("2.4 object required", statement(object=None), "object"),
    ("2.2 unknown property", statement(colour="blue"), "colour"),
    ("2.2 null value", {**statement(), "result": None}, "result"),
    ("2.4.1 id is a UUID", statement(id="not-a-uuid"), "id"),
    # §2.4.2 actor
    ("2.4.2.1 agent needs an IFI", statement(actor={"name": "x"}), "actor"),
    ("2.4.2.1 exactly one IFI", statement(actor={**AGENT, "openid": "https://o/x"}), "actor.openid"),
    ("2.4.2.3 mbox is mailto", statement(actor={"mbox": "ana@example.com"}), "actor.mbox"),
    ("2.4.2.3 sha1 is 40 hex", statement(actor={"mbox_sha1sum": "abc"}), "actor.mbox_sha1sum"),
    (
        "2.4.2.4 account homePage is an IRL",
        statement(actor={"account": {"homePage": "nope", "name": "a"}}),
        "actor.account.homePage",
    ),
    (
        "2.4.2.2 anonymous group needs members",
        statement(actor={"objectType": "Group", "name": "g"}),
        "actor.member",
    ),
    (
        "2.4.2.2 group members are agents",
        statement(actor={"objectType": "Group", "member": [{"objectType": "Group", **AGENT}]}),
        "actor.member.0",
    ),
    ("2.4.2 unknown objectType", statement(actor={"objectType": "Person", **AGENT}), "actor.objectType"),
    # §2.4.3 verb
    ("2.4.3 verb id is an IRI", statement(verb={"id": "completed"}), "verb.id"),
    (
        "2.4.3 display is a language map",
        statement(verb={"id": "http://v.example/x", "display": {"not a tag!": "x"}}),
        "verb.display.not a tag!",
    ),
    # §2.4.4 object
    ("2.4.4.1 activity id is an IRI", statement(object={"id": "course 1"}), "object.id"),
    (
        "2.4.4.1 definition type is an IRI",
        statement(object={**ACTIVITY, "definition": {"type": "course"}}),
        "object.definition.type",
    ),
    (
        "2.4.4.1 interaction type",
        statement(object={**ACTIVITY, "definition": {"interactionType": "essay"}}),
        "object.definition.interactionType",
    ),
    (
        "2.4.4.1 extensions keys are IRIs",
        statement(object={**ACTIVITY, "definition": {"extensions": {"colour": 1}}}),
        "object.definition.extensions.colour",
    ),
    (
        "2.4.4.3 StatementRef id is a UUID",
        statement(object={"objectType": "StatementRef", "id": "x"}),
        "object.id",
    ),
    (
        "2.4.4.3 no nested sub-statement",
        statement(
            object={
                "objectType": "SubStatement",
                "actor": AGENT,
                "verb": {"id": "http://v.example/x"},
                "object": {
                    "objectType": "SubStatement", "actor": AGENT,
                    "verb": {"id": "http://v.example/x"}, "object": ACTIVITY,
                },
            }
        ),
        "object.object.objectType",
    ),
    (
        "2.4.4.3 a sub-statement has no id",
        statement(
            object={
                "objectType": "SubStatement", "id": "6f1c1c9e-0000-4000-8000-000000000000",
                "actor": AGENT, "verb": {"id": "http://v.example/x"}, "object": ACTIVITY,
            }
        ),
        "object.id",
    ),
    # §2.4.5 result
    ("2.4.5.1 scaled in [-1, 1]", statement(result={"score": {"scaled": 1.5}}), "result.score.scaled"),
    ("2.4.5.1 raw within min/max", statement(result={"score": {"raw": 11, "min": 0, "max": 10}}), "result.score.raw"),
    ("2.4.5.1 min below max", statement(result={"score": {"min": 5, "max": 5}}), "result.score.min"),
    ("2.4.5 success is boolean", statement(result={"success": "yes"}), "result.success"),
    ("2.4.5 duration is ISO 8601", statement(result={"duration": "90 minutes"}), "result.duration"),
    # §2.4.6 context
    ("2.4.6 registration is a UUID", statement(context={"registration": "r1"}), "context.registration"),
    (
        "2.4.6 revision only for activities",
        statement(object={"objectType": "Agent", **AGENT}, context={"revision": "2"}),
        "context.revision",
    ),
    ("2.4.6 language tag", statement(context={"language": "english!"}), "context.language"),
    ("2.4.6 team is a Group", statement(context={"team": AGENT}), "context.team.objectType"),
    (
        "2.4.6.2 context activities keys",
        statement(context={"contextActivities": {"sibling": [ACTIVITY]}}),
        "context.contextActivities.sibling",
    ),
    # §2.4.7 timestamp, §2.4.10 version
    ("2.4.7 timestamp is ISO 8601", statement(timestamp="yesterday"), "timestamp"),
    ("4.5 no -00:00 offset", statement(timestamp="2026-01-01T10:00:00-00:00"), "timestamp"),
    ("2.4.10 version 1.0.x", statement(version="2.0.0"), "version"),
    # §2.4.11 attachments
    ("2.4.11 attachment fields", statement(attachments=[{"usageType": "http://u.example/x"}]), "attachments.0.display"),
    # §2.3.2 voiding
    (
        "2.3.2 voiding object is a StatementRef",
        statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}),
        "object.objectType",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "body", "field"), CASES, ids=[c[0] for c in CASES])
def test_an_invalid_statement_is_400_naming_the_property(lrs, rule, body, field):
    response = lrs.post(body)
    assert response.status_code == 400, (rule, response.content)
    assert response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["field"] == field, (rule, error)
    assert error["detail"]
    assert Statement.objects.count() == 0


def test_valid_statements_of_every_shape_are_accepted(lrs):
    group = {
        "objectType": "Group",
        "name": "Team",
        "member": [AGENT, {"openid": "https://o.example/b"}],
    }
    bodies = [
        statement(actor=group),
        statement(actor={"account": {"homePage": "https://lms.example", "name": "42"}}),
        statement(object={"objectType": "Agent", "mbox_sha1sum": "a" * 40}),
        statement(object={"objectType": "StatementRef", "id": "6f1c1c9e-0000-4000-8000-000000000000"}),
        statement(
            object={
                "objectType": "SubStatement", "actor": AGENT,
                "verb": {"id": "http://v.example/plan"}, "object": ACTIVITY,
                "context": {"contextActivities": {"parent": ACTIVITY}},
            }
        ),
        statement(
            result={"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": True,
                    "completion": True, "duration": "PT1H30M", "response": "ok",
                    "extensions": {"https://ext.example/x": {"any": "thing"}}},
            context={"registration": "6f1c1c9e-0000-4000-8000-000000000001",
                     "contextActivities": {"parent": ACTIVITY, "grouping": [ACTIVITY]},
                     "instructor": AGENT, "language": "en-US", "platform": "web",
                     "statement": {"objectType": "StatementRef",
                                   "id": "6f1c1c9e-0000-4000-8000-000000000000"}},
            timestamp="2026-03-01T12:00:00.123456789+01:00",
        ),
        statement(
            object={**ACTIVITY, "definition": {
                "interactionType": "choice", "correctResponsesPattern": ["a"],
                "choices": [{"id": "a", "description": {"en-US": "A"}}]}},
        ),
    ]  # fmt: skip
    response = lrs.post(bodies)
    assert response.status_code == 200, response.content
    [ident] = response.json()[5:6]
    stored = lrs.get("statements", {"statementId": ident}).json()
    # §2.4.6.2: a single context activity is returned as an array.
    assert stored["context"]["contextActivities"]["parent"] == [ACTIVITY]
    # ... and so is a sub-statement's.
    sub = lrs.get("statements", {"statementId": response.json()[4]}).json()["object"]
    assert sub["context"]["contextActivities"]["parent"] == [ACTIVITY]
