"""xAPI-Communication §1.3 (alternate request syntax), §1.4 (CORS), §3.3 (version
header), §4 (authentication), §2.8 (about)."""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from domains.learning.models import LrsClient, Statement
from domains.learning.tests.xapi.conftest import VERSION, Lrs, basic, new_id, statement
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["learning"])


def test_about_is_public_and_lists_the_versions():
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_request_without_the_version_header_is_400_and_still_carries_it(lrs):
    response = lrs.client.get(
        "/xapi/statements", HTTP_AUTHORIZATION=lrs.headers["HTTP_AUTHORIZATION"]
    )
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"
    response = lrs.get("statements", HTTP_X_EXPERIENCE_API_VERSION="0.95")
    assert response.status_code == 400


def test_credentials_are_required():
    response = Client().get("/xapi/statements", **VERSION)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Content-Type"] == "application/problem+json"
    wrong = Client().get("/xapi/statements", **VERSION, **basic("lrs_nobody", "guess"))
    assert wrong.status_code == 401


def test_a_revoked_client_is_refused(lrs, lrs_client):
    client, _ = lrs_client
    call_command("lrs_client", "revoke", client.key)
    assert lrs.get("statements").status_code == 401


def test_the_command_prints_working_credentials(capsys):
    call_command("lrs_client", "create", "Mobile app")
    out = capsys.readouterr().out
    key = out.split("key:")[1].split()[0]
    secret = out.split("secret:")[1].split()[0]
    assert LrsClient.objects.get(key=key).secret_digest != secret
    assert Lrs(basic(key, secret)).get("statements").status_code == 200


@pytest.mark.django_db(databases=["learning", "identity"])
def test_members_write_with_their_bearer_token_and_read_only_their_own(lrs):
    ana = member()
    as_ana = Lrs(bearer(ana))
    # A member records her own learning only: the actor is her platform account.
    ana_account = {"homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/members", "name": str(ana.pk)}
    [mine] = as_ana.post(statement(actor={"account": ana_account})).json()
    [theirs] = lrs.post(statement()).json()
    document = as_ana.get("statements", {"statementId": mine}).json()
    assert document["authority"]["account"] == {
        "homePage": document["authority"]["account"]["homePage"],
        "name": str(ana.pk),
    }
    assert document["authority"]["account"]["homePage"].endswith("/members")
    listed = [s["id"] for s in as_ana.get("statements").json()["statements"]]
    assert listed == [mine]
    assert as_ana.get("statements", {"statementId": theirs}).status_code == 404
    # an LRS client with read_all sees both
    assert {mine, theirs} <= {s["id"] for s in lrs.get("statements").json()["statements"]}


def test_cors_preflight_and_exposed_headers(lrs):
    preflight = Client().options(
        "/xapi/statements",
        HTTP_ORIGIN="https://course.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in preflight["Access-Control-Allow-Headers"]
    assert "PUT" in preflight["Access-Control-Allow-Methods"]
    response = lrs.get("statements", HTTP_ORIGIN="https://course.example")
    assert "X-Experience-API-Consistent-Through" in response["Access-Control-Expose-Headers"]


def test_cors_origins_come_from_the_settings(lrs, settings):
    settings.LRS_CORS_ALLOWED_ORIGINS = ["https://course.example"]
    allowed = lrs.get("statements", HTTP_ORIGIN="https://course.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://course.example"
    other = lrs.get("statements", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def _alternate(lrs, method: str, form: dict, query: str = ""):
    return lrs.client.post(
        f"/xapi/statements?method={method}{query}",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )


def test_alternate_syntax_put_and_get(lrs):
    statement_id = new_id()
    auth = lrs.headers["HTTP_AUTHORIZATION"]
    put = _alternate(
        lrs, "PUT",
        {"statementId": statement_id, "content": json.dumps(statement()), "Authorization": auth,
         "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"},
    )  # fmt: skip
    assert put.status_code == 204, put.content
    assert Statement.objects.filter(id=statement_id).exists()
    got = _alternate(
        lrs, "GET",
        {"statementId": statement_id, "Authorization": auth, "X-Experience-API-Version": "1.0.3"},
    )  # fmt: skip
    assert got.status_code == 200
    assert got.json()["id"] == statement_id


def test_alternate_syntax_allows_no_other_query_parameters(lrs):
    response = _alternate(lrs, "GET", {}, query=f"&statementId={new_id()}")
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["instance"] == "/xapi/statements"
