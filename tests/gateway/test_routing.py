"""The middleware carries out decisions against the real legacy process and new code."""

import pytest
from prometheus_client import REGISTRY

from gateway.audit import audit_trail
from gateway.models import Route, ShadowMismatch
from gateway.modes import RouteMode
from gateway.services import ChangeRefused, route_action, route_change
from legacy_adapter.wiring import reset_legacy_client

pytestmark = pytest.mark.django_db(databases="__all__")

OPS = "ops@example.com"


def make_route(method="GET", pattern="/api/spaces", **kwargs) -> Route:
    defaults = {
        "legacy_target": pattern, "new_target": "/api/v1/marketplace/spaces",
        "translator": "spaces.list",
    }  # fmt: skip
    return Route.objects.create(method=method, path_pattern=pattern, **{**defaults, **kwargs})


def test_unknown_legacy_paths_are_proxied_and_counted(client, gateway_env):
    labels = {"route": "unknown", "target": "legacy", "outcome": "ok"}
    before = REGISTRY.get_sample_value("gateway_requests_total", labels) or 0.0
    response = client.get("/api/users/1")
    assert response.status_code == 200 and response.json()["user_no"] == 1
    assert REGISTRY.get_sample_value("gateway_requests_total", labels) == before + 1


def test_a_legacy_timeout_is_a_504_problem(client, gateway_env, settings):
    settings.LEGACY_READ_TIMEOUT = 0.2
    settings.LEGACY_RETRY_ATTEMPTS = 2
    reset_legacy_client()
    gateway_env.control(delay_ms=400)
    response = client.get("/api/users/1")
    assert response.status_code == 504
    assert response["Content-Type"] == "application/problem+json"
    assert gateway_env.control()["requests"] == 2  # one retry, within budget


def test_new_api_paths_are_not_touched_by_the_gateway(client, gateway_env):
    gateway_env.control(fail_status=500)
    assert client.get("/api/v1/marketplace/spaces").status_code == 200


def test_a_legacy_route_proxies_with_params_and_query(client, gateway_env):
    make_route(pattern="/api/users/{id}", new_target="/api/v1/identity/users/{id}",
               translator="users.detail")  # fmt: skip
    assert client.get("/api/users/2").json()["login"] == "grace"
    assert client.get("/api/users/999").json()["error"]["code"] == "E404"


def test_a_new_route_is_served_in_process_in_the_legacy_shape(client, gateway_env):
    route = make_route()
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="start comparing")
    route_action(route_id=route.id, action="promote", actor=OPS, reason="looks right")
    gateway_env.control(fail_status=500)  # legacy is not asked
    body = client.get("/api/spaces").json()
    assert set(body) == {"total", "items"}


def test_a_retired_route_answers_410_problem(client, gateway_env):
    route = make_route(mode=RouteMode.NEW)
    route_action(route_id=route.id, action="retire", actor=OPS, reason="no clients left")
    response = client.get("/api/spaces")
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"


def test_changes_need_a_reason_and_are_audited(gateway_env):
    route = make_route()
    with pytest.raises(ChangeRefused):
        route_action(route_id=route.id, action="shadow", actor=OPS, reason=" ")
    route_action(route_id=route.id, action="canary", percent=5, actor=OPS, reason="first users")
    (change,) = audit_trail(subject_id=route.id)
    assert change["actor"] == OPS and change["reason"] == "first users"
    assert change["before"]["mode"] == "legacy" and change["after"]["mode"] == "canary"
    assert change["after"]["canary_percent"] == 5


def test_a_route_without_new_handler_cannot_leave_legacy(gateway_env):
    route = make_route(new_target="")
    with pytest.raises(ChangeRefused):
        route_change(route_id=route.id, changes={"mode": "new"}, actor=OPS, reason="try")


def test_shadow_serves_legacy_and_records_a_mismatch_after_the_response(client, gateway_env):
    route = make_route()
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="compare")
    response = client.get("/api/spaces")
    assert response.json()["items"][0]["space_no"] == 1  # legacy's answer
    mismatch = ShadowMismatch.objects.get(route=route)
    assert "--- legacy" in mismatch.diff and "Quiet reading room" in mismatch.diff


def test_legacy_failing_fast_gives_503_problem_with_retry_after(client, gateway_env, settings):
    settings.LEGACY_RETRY_ATTEMPTS = 1
    settings.LEGACY_BREAKER_MINIMUM_CALLS = 3
    reset_legacy_client()
    gateway_env.control(fail_status=500)
    for _ in range(3):
        assert client.get("/api/users/1").status_code == 500  # legacy's own error, passed on
    refused = client.get("/api/users/1")
    assert refused.status_code == 503
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) >= 1
