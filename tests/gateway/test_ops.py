"""Ops control: the command, the REST API and the admin change routes, each change with
a reason, audited, and seen by every process's cached table within its TTL."""

from io import StringIO
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from domains.identity.models import User
from domains.identity.services.tokens import access_token_issue
from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import GatewayState, Route
from gateway.table import TableCache

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def route():
    return Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip


def bearer(*roles: str) -> dict[str, str]:
    token = access_token_issue(
        subject=str(uuid4()), audience=settings.AUTH_AUDIENCE, kind="member",
        roles=frozenset(roles), lifetime=600,
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_command_lists_shows_and_sets_with_a_reason(route):
    out = StringIO()
    call_command(
        "gateway_routes", "set", "GET /api/spaces", "--action", "canary", "--percent", "5",
        "--reason", "first users", "--actor", "cli:ana", stdout=out,
    )  # fmt: skip
    call_command("gateway_routes", "list", stdout=out)
    assert "GET /api/spaces" in out.getvalue() and "canary 5%" in out.getvalue()
    call_command("gateway_routes", "show", str(route.id), stdout=out)
    assert "cli:ana  canary 5%: first users" in out.getvalue()
    with pytest.raises(CommandError, match="retire"):
        call_command(
            "gateway_routes", "set", "GET /api/spaces", "--mode", "retired", "--reason", "x"
        )
    with pytest.raises(CommandError, match="No route"):
        call_command("gateway_routes", "show", "GET /nowhere")


def test_rest_api_needs_the_admin_role_and_a_reason(client, route):
    url = f"/ops/gateway/routes/{route.id}/actions"
    body = {"action": "shadow", "reason": "compare"}
    assert client.post(url, body, content_type="application/json").status_code == 401
    refused = client.post(url, body, content_type="application/json", **bearer("moderator"))
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    no_reason = client.post(
        url, {"action": "shadow"}, content_type="application/json", **bearer("admin")
    )
    assert no_reason.status_code == 400
    done = client.post(url, body, content_type="application/json", **bearer("admin"))
    assert done.status_code == 200 and done.json()["mode"] == "shadow"
    detail = client.get(f"/ops/gateway/routes/{route.id}", **bearer("admin")).json()
    assert detail["audit"][0]["actor"].startswith("member:")
    listing = client.get("/ops/gateway/routes", **bearer("admin")).json()
    assert listing["count"] == 1
    refused_retire = client.post(
        url, {"action": "retire", "reason": "x"}, content_type="application/json", **bearer("admin")
    )
    assert refused_retire.status_code == 400


def test_rest_api_kill_all_and_degradation_flags_are_audited(client, route):
    flags = client.post(
        "/ops/gateway/flags", {"kill_all": True, "degraded": {"shadow_comparison": True},
                               "reason": "incident 42"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    assert flags.status_code == 200 and flags.json()["kill_all"] is True
    assert audit_trail(subject_id=GLOBAL_SUBJECT)[-1]["after"]["degraded"]["shadow_comparison"]
    unknown = client.post(
        "/ops/gateway/flags", {"degraded": {"made_up": True}, "reason": "x"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    assert unknown.status_code == 400


def test_rest_api_flags_changed_meanwhile_is_a_conflict_not_a_500(client, route, monkeypatch):
    """Another operator changes the flags between this change's read and its write."""
    locked = GatewayState.objects.select_for_update

    def someone_else_changes_then_lock(*args, **kwargs):
        GatewayState.objects.filter(pk=1).update(kill_all=True)
        return locked(*args, **kwargs)

    # Tests that commit (a live server) may have left flags entries: look at new ones only.
    audited = len(audit_trail(subject_id=GLOBAL_SUBJECT))
    monkeypatch.setattr(GatewayState.objects, "select_for_update", someone_else_changes_then_lock)
    raced = client.post(
        "/ops/gateway/flags", {"degraded": {"search_ranking": True}, "reason": "load"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    assert raced.status_code == 409 and raced["Content-Type"] == "application/problem+json"
    assert "changed while" in raced.json()["detail"]
    # The refused change left no audit entry (it was recorded before the change once).
    assert all(
        not entry["after"]["degraded"].get("search_ranking")
        for entry in audit_trail(subject_id=GLOBAL_SUBJECT)[audited:]
    )


def test_the_admin_action_asks_why_then_applies_and_audits(client, route):
    admin = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client.force_login(admin)
    url = "/admin/gateway/route/"
    form = {"action": "route_canary_25", "_selected_action": [str(route.id)]}
    asks = client.post(url, form)
    assert asks.status_code == 200 and b"Why" in asks.content
    client.post(url, {**form, "apply": "Apply", "reason": "a quarter of members"})
    route.refresh_from_db()
    assert route.mode == "canary" and route.canary_percent == 25
    (change,) = audit_trail(subject_id=route.id)
    assert change["actor"] == "root@example.com" and change["reason"] == "a quarter of members"


def test_a_change_reaches_another_process_cache_within_its_ttl(route):
    now = [0.0]
    other_process = TableCache(ttl=2.0, clock=lambda: now[0])
    assert other_process.get().match("GET", "/api/spaces")[0].flags.mode == "legacy"
    call_command("gateway_routes", "set", "GET /api/spaces", "--action", "shadow", "--reason", "go",
                 stdout=StringIO())  # fmt: skip
    now[0] = 1.0
    assert other_process.get().match("GET", "/api/spaces")[0].flags.mode == "legacy"  # cached
    now[0] = 2.5
    assert other_process.get().match("GET", "/api/spaces")[0].flags.mode == "shadow"
