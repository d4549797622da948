"""The LRS refuses through the platform's one refusal model (``common.refusals``,
issue 17): its rules and services raise refusals, the API's exception handler maps
them once, and the bodies stay the problem+json docs/xapi.md documents."""

import json

import pytest

from common.refusals import Refused
from domains.learning.authority import DocumentRefused
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.services.documents import (
    DocumentConflict,
    NotMergeable,
    NotYours,
    PreconditionFailed,
)
from domains.learning.services.statements import StatementConflict, WriteTooSlow
from domains.learning.tests.xapi.conftest import new_id, statement


@pytest.mark.parametrize(
    ("refusal", "kind"),
    [
        (XapiInvalid, "invalid"),
        (NotMergeable, "invalid"),
        (DocumentRefused, "forbidden"),
        (NotYours, "forbidden"),
        (StatementConflict, "conflict"),
        (DocumentConflict, "conflict"),
        (PreconditionFailed, "precondition_failed"),
        (WriteTooSlow, "unavailable"),
    ],
)
def test_every_lrs_refusal_is_a_common_refusal_and_no_builtin(refusal, kind):
    assert issubclass(refusal, Refused) and refusal.kind == kind
    assert not issubclass(refusal, ValueError | LookupError | PermissionError)


@pytest.mark.django_db(databases=["learning"])
def test_a_rule_refusal_names_the_property_by_field_and_pointer(lrs):
    bad = statement(actor={"mbox": "ana@example.com"})
    response = lrs.post([statement(), bad])
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    [error] = body["errors"]
    assert (error["field"], error["pointer"]) == ("1.actor.mbox", "#/1/actor/mbox")
    assert error["detail"] == "must be a mailto: IRI"
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert "X-Experience-API-Consistent-Through" in response


@pytest.mark.django_db(databases=["learning"])
def test_service_refusals_map_to_409_and_412_problems(lrs):
    body = statement(id=new_id())
    assert lrs.post(body).status_code == 200
    conflict = lrs.post({**body, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}})
    assert conflict.status_code == 409
    assert conflict.json()["type"] == "/problems/conflict"
    query = "activityId=https://a.example/x&profileId=p"
    created = lrs.request(
        "PUT", "activities/profile", {"v": 1}, query=query, HTTP_IF_NONE_MATCH="*"
    )
    assert created.status_code == 204
    stale = lrs.request("PUT", "activities/profile", {"v": 2}, query=query, HTTP_IF_MATCH='"00"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["type"] == "/problems/precondition-failed"
    not_object = lrs.request(
        "POST", "activities/profile", json.dumps([1]), query=query, HTTP_IF_MATCH=created["ETag"]
    )
    assert not_object.status_code == 400
    assert not_object.json()["errors"][0]["field"] == "body"
