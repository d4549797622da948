"""xAPI-Data §2.3.2 (voiding) and xAPI-Communication §2.1.4 (voided statements)."""

import pytest

from domains.learning.models import Statement
from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def voiding(target: str, **overrides):
    return statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}, **overrides
    )


def test_a_voided_statement_is_fetched_only_by_voided_statement_id(lrs):
    [target] = lrs.post(statement()).json()
    [voiding_id] = lrs.post(voiding(target)).json()
    assert lrs.get("statements", {"statementId": target}).status_code == 404
    fetched = lrs.get("statements", {"voidedStatementId": target})
    assert fetched.status_code == 200 and fetched.json()["id"] == target
    assert lrs.get("statements", {"voidedStatementId": voiding_id}).status_code == 404
    listed = [s["id"] for s in lrs.get("statements").json()["statements"]]
    assert target not in listed
    assert voiding_id in listed  # the voiding statement itself is an ordinary statement


def test_a_voiding_statement_cannot_void_a_voiding_statement(lrs):
    [target] = lrs.post(statement()).json()
    [first] = lrs.post(voiding(target)).json()
    response = lrs.post(voiding(first))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "object.id"
    assert Statement.objects.get(id=first).voided is False


def test_a_batch_cannot_void_its_own_voiding_statement(lrs):
    inner = new_id()
    response = lrs.post([statement(), voiding(new_id(), id=inner), voiding(inner)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "2.object.id"
    assert Statement.objects.count() == 0


def test_a_voiding_statement_that_arrives_first_voids_its_target_on_arrival(lrs):
    target = new_id()
    assert lrs.post(voiding(target)).status_code == 200
    assert lrs.put(target, statement()).status_code == 204
    assert Statement.objects.get(id=target).voided is True
    assert lrs.get("statements", {"voidedStatementId": target}).status_code == 200
