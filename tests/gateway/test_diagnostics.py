"""What the gateway tells its callers and operators when something is wrong.

- A legacy host that refuses connections is 503 "unreachable", not 504 "did not answer
  in time" (that one is for a timeout, ``test_routing.py``).
- A read the new side fails is answered by legacy and *logged* with the route and the
  reason (the counter alone does not say which request, nor why, to someone reading logs).
- A route's path ids are legacy numbers; the new side gets the ACL's ids for them
  whatever the route's translator (or none).
"""

from __future__ import annotations

import logging

import pytest

from domains.marketplace.models import Space
from gateway.models import Route
from gateway.services import route_action
from gateway.sides import _new_params
from gateway.table import _compiled
from legacy_adapter.acl.values import uuid_for
from legacy_adapter.wiring import reset_legacy_client
from tests.processes import free_port

pytestmark = pytest.mark.django_db(databases="__all__")

OPS = "ops@example.com"


def _route(pattern: str, new_target: str, translator: str = "", method: str = "GET") -> Route:
    route = Route.objects.create(
        method=method, path_pattern=pattern, legacy_target=pattern, new_target=new_target,
        translator=translator,
    )  # fmt: skip
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="compare")
    route_action(route_id=route.id, action="promote", actor=OPS, reason="serve new")
    return route


def test_a_refused_connection_to_legacy_is_503_unreachable(client, gateway_env, settings):
    settings.LEGACY_BASE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    reset_legacy_client()
    response = client.get("/api/users/1")
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "unreachable" in response.json()["detail"]
    assert response["Retry-After"]


def test_a_new_side_fallback_is_logged_with_route_and_reason(client, gateway_env, caplog):
    route = _route("/api/spaces/{id}", "/api/v1/marketplace/spaces/{id}/nowhere", "spaces.detail")
    with caplog.at_level(logging.WARNING, logger="gateway.middleware"):
        response = client.get("/api/spaces/1")
    assert response["X-Served-By"] == "legacy"  # the failed read was answered by legacy
    (record,) = [r for r in caplog.records if getattr(r, "reason", None) == "new_error"]
    assert record.route == route.key == "GET /api/spaces/{id}"
    assert "fallback to legacy on GET /api/spaces/{id}" in record.getMessage()


def test_path_ids_are_translated_for_a_route_without_translator(client, gateway_env):
    Space.objects.create(
        id=uuid_for("space", 1), owner_id=uuid_for("user", 1), name="Quiet reading room",
        description="A calm room for study groups.", location="12 Library Lane", capacity=12,
        status="listed",
    )  # fmt: skip
    _route("/api/spaces/{id}", "/api/v1/marketplace/spaces/{id}")  # no translator
    response = client.get("/api/spaces/1")
    assert (response.status_code, response["X-Served-By"]) == (200, "new"), response.content
    assert response.json()["id"] == str(uuid_for("space", 1))


@pytest.mark.parametrize(
    ("pattern", "translator", "params", "kind"),
    [
        ("/api/proposals/{id}/votes", "", {"id": "7"}, "proposal"),
        ("/api/users/{id}/activity", "", {"id": "3"}, "user"),
        ("/api/things/{space_no}", "", {"space_no": "2"}, "space"),
        ("/api/spaces/{id}", "spaces.detail", {"id": "5"}, "space"),
    ],
)
def test_each_path_parameter_gets_its_kinds_id(pattern, translator, params, kind):
    route = _compiled(Route(method="GET", path_pattern=pattern, legacy_target=pattern,
                            new_target="/api/v1/x/{id}", translator=translator))  # fmt: skip
    ((name, number),) = params.items()
    assert _new_params(route, params) == {name: str(uuid_for(kind, int(number)))}
