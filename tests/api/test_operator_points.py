"""Smaller operator points: every OpenAPI operation has a summary, role history is
paginated like every list, and a voiding statement is not a timeline entry."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from domains.learning.services.clients import lrs_client_create
from domains.learning.tests.xapi.conftest import Lrs, basic, statement
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__")

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_every_operation_has_a_summary(tmp_path):
    path = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    schema = json.loads(path.read_text())
    missing = [
        f"{method.upper()} {url}"
        for url, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("summary")
    ]
    assert not missing
    explanation = schema["paths"]["/api/v1/reputation/members/{member_id}/reputation/explanation"]
    assert explanation["get"]["summary"]


def test_role_history_is_paginated(client):
    admin, dana = member("admin"), member()
    url = f"/api/v1/identity/users/{dana.id}/roles/history"
    page = client.get(url, {"page_size": 1}, **bearer(admin)).json()
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 0


def test_a_voiding_statement_is_not_a_timeline_entry(client):
    ana = member()
    key = lrs_client_create(name="Course player")
    lrs = Lrs(basic(key[0].key, key[1]))
    account = {"homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/members", "name": str(ana.pk)}
    kept = lrs.post(statement(actor={"account": account})).json()[0]
    twice = lrs.post(statement(actor={"account": account})).json()[0]
    voiding = statement(
        actor={"account": account}, verb={"id": VOIDED, "display": {"en": "voided"}},
        object={"objectType": "StatementRef", "id": twice},
    )  # fmt: skip
    assert lrs.post(voiding).status_code == 200
    timeline = client.get(f"/api/v1/learning/members/{ana.pk}/timeline", **bearer(ana)).json()
    assert [entry["id"] for entry in timeline["results"]] == [kept]
