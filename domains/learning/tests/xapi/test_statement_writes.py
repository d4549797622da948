"""xAPI-Communication §2.1.1 (PUT) and §2.1.2 (POST) of the Statements resource, and
xAPI-Data §2.3.1 (immutability): ids, LRS-set properties, conflicts, batches."""

import pytest

from domains.learning.models import Statement
from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])


def test_put_stores_the_statement_under_the_given_id_and_answers_204(lrs):
    statement_id = new_id()
    response = lrs.put(statement_id, statement())
    assert response.status_code == 204, response.content
    assert response["X-Experience-API-Version"] == "1.0.3"
    stored = lrs.get("statements", {"statementId": statement_id}).json()
    assert stored["id"] == statement_id
    assert stored["actor"]["mbox"] == "mailto:ana@example.com"


def test_put_needs_a_statement_id_parameter(lrs):
    response = lrs.request("PUT", "statements", statement())
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "statementId"


def test_put_refuses_a_body_id_other_than_the_parameter(lrs):
    response = lrs.put(new_id(), statement(id=new_id()))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "id"


def test_post_assigns_ids_and_the_lrs_sets_stored_authority_version_timestamp(lrs, lrs_client):
    response = lrs.post(statement())
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    stored = lrs.get("statements", {"statementId": statement_id}).json()
    assert stored["version"] == "1.0.0"
    assert stored["stored"].endswith("Z")
    assert stored["timestamp"] == stored["stored"]  # none was sent
    assert stored["authority"]["account"]["name"] == lrs_client[0].key
    assert stored["authority"]["account"]["homePage"].endswith("/clients")


def test_a_client_supplied_authority_is_replaced_by_the_credentials_one(lrs, lrs_client):
    forged = {"objectType": "Agent", "mbox": "mailto:boss@example.com"}
    [statement_id] = lrs.post(statement(authority=forged)).json()
    stored = lrs.get("statements", {"statementId": statement_id}).json()
    assert stored["authority"]["account"]["name"] == lrs_client[0].key


def test_post_of_a_batch_returns_the_ids_in_order(lrs):
    given = new_id()
    response = lrs.post([statement(id=given), statement(), statement()])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 3 and ids[0] == given
    assert Statement.objects.filter(id__in=ids).count() == 3


def test_a_repeated_id_with_identical_content_is_a_no_op(lrs):
    statement_id = new_id()
    body = statement(id=statement_id, timestamp="2026-01-02T10:00:00+02:00")
    assert lrs.post(body).status_code == 200
    same_instant = statement(id=statement_id, timestamp="2026-01-02T08:00:00.000Z")
    assert lrs.put(statement_id, same_instant).status_code == 204
    assert lrs.post(body).json() == [statement_id]
    assert Statement.objects.filter(id=statement_id).count() == 1


def test_a_repeated_id_with_different_content_is_409(lrs):
    statement_id = new_id()
    assert lrs.put(statement_id, statement()).status_code == 204
    changed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})
    response = lrs.put(statement_id, changed)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert lrs.post([statement(), {**changed, "id": statement_id}]).status_code == 409
    assert Statement.objects.count() == 1  # the batch's new statement was not kept


def test_a_rejected_batch_stores_nothing(lrs):
    bad = statement(actor={"objectType": "Agent", "name": "no identifier"})
    response = lrs.post([statement(), statement(), bad])
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "2.actor"
    assert error["pointer"] == "#/2/actor"
    assert Statement.objects.count() == 0


def test_the_same_id_twice_in_one_batch_is_refused(lrs):
    statement_id = new_id()
    response = lrs.post([statement(id=statement_id), statement(id=statement_id)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "1.id"


def test_a_body_that_is_not_json_is_400(lrs):
    response = lrs.post("{not json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_query_parameters_on_post_are_refused(lrs):
    response = lrs.request("POST", "statements", statement(), query="statementId=" + new_id())
    assert response.status_code == 400


@pytest.mark.parametrize(
    "resend",
    [
        lambda s: {**s, "object": {**s["object"], "definition": {"name": {"fr": "Autre"}}}},
        lambda s: {**s, "verb": {"id": s["verb"]["id"], "display": {"de": "beendet"}}},
        lambda s: {**s, "actor": {**s["actor"], "member": s["actor"]["member"][::-1]}},
        lambda s: {k: v for k, v in s.items() if k != "timestamp"},
        lambda s: {
            **s,
            "actor": {
                **s["actor"],
                "member": [{"mbox": "mailto:a@EXAMPLE.com"}, s["actor"]["member"][1]],
            },
        },
    ],
    ids=["activity-definition", "verb-display", "member-order", "no-timestamp", "email-domain"],
)
def test_data_2_3_1_a_repeat_differing_only_by_an_immutability_exception_is_a_no_op(lrs, resend):
    """Data §2.3.1.b1 to b7 with §2.3.1.s9: what is not part of the statement (referenced
    Activity Definitions, the Verb display), unordered lists, LRS-assigned properties
    and case-insensitive values do not make it another statement; and nothing the
    repeat carries is taken in (the catalogue keeps the first definition)."""
    from domains.learning.models import Activity

    members = [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}]
    first = statement(
        id=new_id(),
        actor={"objectType": "Group", "member": members},
        timestamp="2026-01-02T10:00:00Z",
    )
    assert lrs.post(first).status_code == 200
    again = lrs.put(first["id"], resend(first))
    assert again.status_code == 204, again.content
    assert lrs.post([statement(), resend(first)]).status_code == 200  # in a batch too
    assert Statement.objects.count() == 2
    definition = Activity.objects.get(iri=first["object"]["id"]).definition
    assert definition == first["object"]["definition"]


def test_data_2_3_1_b8_a_repeat_with_another_duration_string_is_409(lrs):
    """A Result Duration is compared as a string in 1.0.3 (§2.3.1.b8)."""
    first = statement(id=new_id(), result={"duration": "PT1.001S"})
    assert lrs.post(first).status_code == 200
    assert lrs.post({**first, "result": {"duration": "PT1.0011S"}}).status_code == 409
    assert lrs.post({**first, "actor": {**first["actor"], "name": "ANA"}}).status_code == 409
