"""API conventions every domain follows: problem+json errors, pagination, the schema.

The schema test reads every operation from the generated OpenAPI document, so a new
list endpoint without pagination, or one outside ``/api/v1/<domain>/``, fails here.
"""

import json

import pytest
from django.core.management import call_command

from common.api.problems import server_error

pytestmark = pytest.mark.django_db(databases="__all__")

DOMAINS = {"identity", "learning", "reputation", "passport", "governance", "marketplace"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    with django_db_blocker.unblock():
        call_command(
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
            "--file",
            str(path),
        )
    return json.loads(path.read_text())


def test_unknown_path_is_a_problem_document(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["instance"] == "/api/v1/nowhere"


def test_wrong_method_is_405_problem(api_client):
    response = api_client.post("/api/v1/marketplace/spaces", {}, format="json")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "/problems/method-not-allowed"


def test_invalid_filters_are_400_listing_each_field(api_client):
    response = api_client.get("/api/v1/marketplace/spaces?min_capacity=zero&online=perhaps")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert {e["field"] for e in body["errors"]} == {"min_capacity", "online"}
    assert all(e["pointer"].startswith("#/") and e["detail"] for e in body["errors"])


def test_a_page_past_the_end_is_404_problem(api_client):
    response = api_client.get("/api/v1/governance/proposals?page=999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_unauthenticated_access_to_a_private_endpoint_is_refused(api_client):
    response = api_client.get("/api/v1/identity/me")
    # 401, not 403: bearer tokens are the first authentication class, so DRF says how
    # to authenticate (WWW-Authenticate) instead of refusing outright.
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "/problems/not-authenticated"


def test_server_errors_are_problems_without_internals(rf):
    response = server_error(rf.get("/api/v1/boom"))
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["instance"] == "/api/v1/boom"
    assert "Traceback" not in body["detail"]


def test_schema_is_valid_and_every_path_is_versioned_per_domain(schema):
    assert schema["openapi"].startswith("3.")
    for path in schema["paths"]:
        prefix, version, domain = path.split("/")[1:4]
        assert (prefix, version) == ("api", "v1"), path
        assert domain in DOMAINS, path


def test_every_list_endpoint_is_paginated(schema):
    lists = [
        (path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method == "get" and op["operationId"].endswith("_list")
    ]
    assert lists, "the schema lists no list endpoints"
    for path, op in lists:
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert {"count", "next", "previous", "results"} <= set(component["properties"]), path
        params = {p["name"] for p in op.get("parameters", [])}
        assert {"page", "page_size"} <= params, path


def test_every_id_in_a_path_is_a_uuid(schema):
    for path, ops in schema["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] == "path":
                    assert param["schema"].get("format") == "uuid", (path, param)


def test_swagger_ui_and_schema_are_served(client):
    assert client.get("/api/docs/").status_code == 200
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/learning/activities" in response.json()["paths"]
