"""xAPI-Communication §2.1.3.s3, Filter Conditions for StatementRefs: a statement whose
object is a StatementRef meets the agent, verb, activity and registration filters when
the statement it targets does, at any depth; since, until, limit and paging apply to
the targeting statement itself; a StatementRef in ``context.statement`` does not count.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest

from domains.learning.services.statements import statements_store
from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])

BEN = {"mbox": "mailto:ben@example.com"}
ANDREW = {"mbox": "mailto:andrew@example.com"}
CARL = {"mbox": "mailto:carl@example.com"}
TRAINING = "https://learn.example.org/courses/explosives-training"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
CONFIRMED = "https://verbs.example.org/confirmed"
COMMENTED = "http://adlnet.gov/expapi/verbs/commented"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
START = datetime(2026, 3, 1, tzinfo=UTC)


def ref(statement_id: str) -> dict:
    return {"objectType": "StatementRef", "id": statement_id}


@pytest.fixture
def chain(lrs):
    """Ben passed the training (0); Andrew confirmed 0 (1); Carl commented on 1 (2);
    Carl completed an unrelated course, mentioning 0 only in its context (3)."""
    registration = new_id()
    bodies = [
        statement(id=new_id(), actor=BEN, verb={"id": PASSED}, object={"id": TRAINING},
                  context={"registration": registration}),
        None,
        None,
        None,
    ]  # fmt: skip
    bodies[1] = statement(
        id=new_id(), actor=ANDREW, verb={"id": CONFIRMED}, object=ref(bodies[0]["id"])
    )
    bodies[2] = statement(
        id=new_id(), actor=CARL, verb={"id": COMMENTED}, object=ref(bodies[1]["id"])
    )
    bodies[3] = statement(id=new_id(), actor=CARL, context={"statement": ref(bodies[0]["id"])})
    authority = {"objectType": "Agent", "mbox": "mailto:lms@example.com"}
    for i, body in enumerate(bodies):
        statements_store(
            statements=[body], authority=authority, batch=False,
            now=lambda i=i: START + timedelta(seconds=i),
        )  # fmt: skip
    return {"ids": [b["id"] for b in bodies], "registration": registration}


def listed(lrs, chain, **params):
    response = lrs.get("statements", params)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"] if s["id"] in chain["ids"]]


def test_every_content_filter_follows_references_to_any_depth(lrs, chain):
    s = chain["ids"]
    whole_chain = [s[2], s[1], s[0]]
    assert listed(lrs, chain, agent=json.dumps(BEN)) == whole_chain
    assert listed(lrs, chain, activity=TRAINING) == whole_chain
    assert listed(lrs, chain, verb=PASSED) == whole_chain
    assert listed(lrs, chain, registration=chain["registration"]) == whole_chain
    # Andrew's confirmation matches him directly; Carl's comment targets it.
    assert listed(lrs, chain, agent=json.dumps(ANDREW)) == [s[2], s[1]]
    assert listed(lrs, chain, verb=CONFIRMED, ascending="true") == [s[1], s[2]]


def test_a_reference_in_the_context_does_not_match(lrs, chain):
    s = chain["ids"]
    assert s[3] not in listed(lrs, chain, agent=json.dumps(BEN))
    assert listed(lrs, chain, agent=json.dumps(CARL)) == [s[3], s[2]]


def test_time_filters_apply_to_the_targeting_statement(lrs, chain):
    s = chain["ids"]
    since = START.isoformat()  # exclusive: drops statement 0, keeps those targeting it
    assert listed(lrs, chain, agent=json.dumps(BEN), since=since) == [s[2], s[1]]
    until = (START + timedelta(seconds=1)).isoformat()
    assert listed(lrs, chain, agent=json.dumps(BEN), until=until) == [s[1], s[0]]


def test_paging_walks_direct_and_targeting_matches_once_in_order(lrs, chain):
    seen, response = [], lrs.get("statements", {"agent": json.dumps(BEN), "limit": 1})
    while True:
        page = response.json()
        assert len(page["statements"]) <= 1
        seen += [st["id"] for st in page["statements"]]
        if not page["more"]:
            break
        response = lrs.client.get(page["more"], **lrs.headers)
    s = chain["ids"]
    assert seen == [s[2], s[1], s[0]]


def test_a_voided_target_still_carries_the_statements_that_target_it(lrs, chain):
    """The voided statement leaves lists; its voiding statement targets it, so it
    matches the voided statement's filters, as the confirmation still does."""
    s = chain["ids"]
    [voiding] = lrs.post(statement(actor=BEN, verb={"id": VOIDED}, object=ref(s[0]))).json()
    response = lrs.get("statements", {"activity": TRAINING})
    listed_ids = [st["id"] for st in response.json()["statements"]]
    assert listed_ids == [voiding, s[2], s[1]]


def test_a_reference_cycle_ends(lrs):
    """Two statements naming each other (the second stored after the first named it)."""
    first, second = new_id(), new_id()
    lrs.post(statement(id=first, actor=BEN, object=ref(second))).json()
    lrs.post(statement(id=second, actor=ANDREW, object=ref(first))).json()
    response = lrs.get("statements", {"agent": json.dumps(BEN)})
    assert response.status_code == 200
    assert [st["id"] for st in response.json()["statements"]] == [second, first]
