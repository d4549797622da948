"""Ops controls in one place: routes, degradation flags and the kill switch from the
admin, the command and ``/ops/gateway/``; every change validated at save time, audited
with actor and reason, shown on the admin's History page, and seen by other processes."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from domains.identity.models import User
from domains.identity.services.tokens import access_token_issue
from domains.marketplace.models import Space
from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import GatewayState, Route
from gateway.services import ChangeRefused, route_action, route_change
from legacy_adapter.acl.values import uuid_for
from tests.processes import REPO, clean_environment, database_urls_for, wait_until

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def route():
    return Route.objects.create(
        method="GET", path_pattern="/api/spaces/{id}", legacy_target="/api/spaces/{id}",
        new_target="/api/v1/marketplace/spaces/{id}", translator="spaces.detail",
    )  # fmt: skip


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root@example.com", "a-long-password-1"))
    return client


def bearer() -> dict[str, str]:
    token = access_token_issue(
        subject=str(uuid4()), audience=settings.AUTH_AUDIENCE, kind="member",
        roles=frozenset({"admin"}), lifetime=600,
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _form(route: Route, **changes) -> dict:
    values = {
        "legacy_target": route.legacy_target, "new_target": route.new_target,
        "translator": route.translator, "cohort_user_ids": "[]", "cohort_roles": "[]",
        "cohort_header": "", "ignore_fields": "[]", "max_concurrency": "0",
        "mismatches-TOTAL_FORMS": "0", "mismatches-INITIAL_FORMS": "0",
    }  # fmt: skip
    return {**values, **changes}


# --- validation at save time -------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"translator": "spaces.lst"}, "Unknown translator 'spaces.lst'"),
        ({"new_target": "/api/v1/marketplace/spaces/{space}"}, "does not have"),
        ({"new_target": "/api/v1/nowhere/things"}, "not served by this deployment"),
        ({"new_target": "/api/v1/marketplace/no-such-page"}, "No endpoint answers"),
        ({"cohort_user_ids": ["ana"]}, "not a member id"),
        ({"cohort_header": "X-Canary"}, "Header-Name: value"),
    ],
)
def test_every_change_path_refuses_a_broken_configuration(route, changes, message):
    with pytest.raises(ChangeRefused, match=message):
        route_change(route_id=route.id, changes=changes, actor="ops", reason="edit")
    assert audit_trail(subject_id=route.id) == []  # nothing recorded for a refused change


def test_a_translator_that_fails_is_a_fallback_not_a_500(client, gateway_env, route):
    Space.objects.create(
        id=uuid_for("space", 1), owner_id=uuid_for("user", 1), name="Quiet reading room",
        description="A calm room.", location="12 Library Lane", capacity=12, status="listed",
    )  # fmt: skip
    route_action(route_id=route.id, action="shadow", actor="ops", reason="compare")
    route_action(route_id=route.id, action="promote", actor="ops", reason="serve new")
    Route.objects.filter(pk=route.id).update(translator="made.up")  # behind the services' back
    from gateway.services import _bump_version

    _bump_version()
    response = client.get("/api/spaces/1")
    assert response.status_code != 500
    assert response["X-Served-By"] == "legacy"


# --- the admin ----------------------------------------------------------------------------


def test_admin_route_edit_is_validated_audited_and_in_history(admin_client, route):
    url = f"/admin/gateway/route/{route.id}/change/"
    refused = admin_client.post(url, _form(route, translator="spaces.lst", reason="typo"))
    assert refused.status_code == 200 and b"Unknown translator" in refused.content
    no_reason = admin_client.post(url, _form(route, translator="spaces.list"))
    assert no_reason.status_code == 200 and b"This field is required" in no_reason.content
    route.refresh_from_db()
    assert route.translator == "spaces.detail"

    done = admin_client.post(url, _form(route, cohort_header="X-Canary: yes", reason="testers"))
    assert done.status_code == 302, done.content.decode()[-2000:]
    route.refresh_from_db()
    assert route.cohort_header == "X-Canary: yes"
    (change,) = audit_trail(subject_id=route.id)
    assert (change["actor"], change["reason"]) == ("root@example.com", "testers")
    history = admin_client.get(f"/admin/gateway/route/{route.id}/history/").content.decode()
    assert "testers" in history and "root@example.com" in history and "cohort_header" in history


def test_admin_canary_takes_any_percentage(admin_client, route):
    form = {"action": "route_canary_any", "_selected_action": [str(route.id)]}
    asks = admin_client.post("/admin/gateway/route/", form)
    assert b'name="percent"' in asks.content
    admin_client.post(
        "/admin/gateway/route/", {**form, "apply": "Apply", "percent": "12.5", "reason": "wider"}
    )
    route.refresh_from_db()
    assert (route.mode, float(route.canary_percent)) == ("canary", 12.5)


def test_admin_flags_page_changes_degradation_and_kill_all_with_history(admin_client):
    GatewayState.objects.get_or_create(pk=1)
    url = "/admin/gateway/gatewaystate/1/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b"degraded_search_ranking" in page.content
    done = admin_client.post(
        url, {"kill_all": "", "degraded_search_ranking": "on", "reason": "load spike"}
    )
    assert done.status_code == 302, done.content.decode()[-2000:]
    state = GatewayState.objects.get(pk=1)
    assert state.degraded["search_ranking"] is True and state.kill_all is False
    last = audit_trail(subject_id=GLOBAL_SUBJECT)[-1]
    assert (last["actor"], last["reason"]) == ("root@example.com", "load spike")
    history = admin_client.get("/admin/gateway/gatewaystate/1/history/").content.decode()
    assert "load spike" in history and "degraded.search_ranking" in history


# --- the command -----------------------------------------------------------------------------


def test_command_switches_flags_and_edits_targets(route):
    out = StringIO()
    call_command("gateway_routes", "flag", "search_ranking", "on", "--reason", "load",
                 "--actor", "cli:ana", stdout=out)  # fmt: skip
    call_command("gateway_routes", "flags", stdout=out)
    assert "search_ranking: degraded" in out.getvalue() and "cli:ana" in out.getvalue()
    with pytest.raises(CommandError, match="Unknown translator"):
        call_command("gateway_routes", "set", "GET /api/spaces/{id}", "--translator", "nope",
                     "--reason", "typo")  # fmt: skip
    call_command("gateway_routes", "set", "GET /api/spaces/{id}", "--cohort-header",
                 "X-Canary: yes", "--reason", "testers", stdout=out)  # fmt: skip
    route.refresh_from_db()
    assert route.cohort_header == "X-Canary: yes"
    call_command("gateway_routes", "set", "GET /api/spaces/{id}", "--action", "canary",
                 "--percent", "3.5", "--reason", "any share", stdout=out)  # fmt: skip
    route.refresh_from_db()
    assert float(route.canary_percent) == 3.5


# --- the REST API ------------------------------------------------------------------------------


def test_ops_index_flags_and_route_edits_over_rest(client, route):
    index = client.get("/ops/gateway/", **bearer())
    assert index.status_code == 200 and index.json()["degraded"]["search_ranking"] is False
    client.post("/ops/gateway/flags", {"degraded": {"search_ranking": True}, "reason": "load"},
                content_type="application/json", **bearer())  # fmt: skip
    flags = client.get("/ops/gateway/flags", **bearer()).json()
    assert flags["degraded"]["search_ranking"] is True
    assert flags["audit"][-1]["reason"] == "load"
    url = f"/ops/gateway/routes/{route.id}"
    bad = client.patch(url, {"translator": "nope", "reason": "typo"},
                       content_type="application/json", **bearer())  # fmt: skip
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    good = client.patch(url, {"cohort_roles": ["mentor"], "reason": "mentors first"},
                        content_type="application/json", **bearer())  # fmt: skip
    assert good.status_code == 200 and good.json()["cohort_roles"] == ["mentor"]
    assert audit_trail(subject_id=route.id)[-1]["reason"] == "mentors first"


# --- cohort roles resolved against identity's catalogue ---------------------------------


def test_a_cohort_role_identity_does_not_know_is_refused_everywhere(admin_client, client, route):
    """A well-formed name that no role carries ("mentr") matched nobody, silently."""
    with pytest.raises(
        ChangeRefused, match=r"identity knows no role 'mentr'; its roles are .*mentor"
    ):
        route_change(route_id=route.id, changes={"cohort_roles": ["mentr"]}, actor="o", reason="r")
    with pytest.raises(CommandError, match="identity knows no role 'mentr'"):
        call_command("gateway_routes", "set", "GET /api/spaces/{id}", "--cohort-roles",
                     "mentor,mentr", "--reason", "typo")  # fmt: skip
    api = client.patch(f"/ops/gateway/routes/{route.id}",
                       {"cohort_roles": ["mentr"], "reason": "r"},
                       content_type="application/json", **bearer())  # fmt: skip
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    (error,) = api.json()["errors"]
    assert error["field"] == "cohort_roles" and "identity knows no role 'mentr'" in error["detail"]
    form = admin_client.post(f"/admin/gateway/route/{route.id}/change/",
                             _form(route, cohort_roles='["mentr"]', reason="typo"))  # fmt: skip
    assert form.status_code == 200 and "identity knows no role" in form.content.decode()
    route.refresh_from_db()
    assert route.cohort_roles == [] and audit_trail(subject_id=route.id) == []


def test_a_role_an_admin_added_to_the_catalogue_is_accepted(route):
    from domains.identity.models import Role

    Role.objects.create(name="early_adopter", description="Tries new code first")
    call_command("gateway_routes", "set", "GET /api/spaces/{id}", "--cohort-roles",
                 "early_adopter,mentor", "--reason", "pilot group", stdout=StringIO())  # fmt: skip
    route.refresh_from_db()
    assert route.cohort_roles == ["early_adopter", "mentor"]


def test_a_role_removed_later_does_not_block_unrelated_changes(route):
    from domains.identity.models import Role

    Role.objects.create(name="pilot")
    route_change(route_id=route.id, changes={"cohort_roles": ["pilot"]}, actor="o", reason="r")
    Role.objects.filter(name="pilot").delete()
    route_change(route_id=route.id, changes={"translator": "spaces.detail", "cohort_header": ""},
                 actor="o", reason="unrelated")  # fmt: skip
    with pytest.raises(ChangeRefused, match="identity knows no role 'pilot'"):
        route_change(route_id=route.id, changes={"cohort_roles": ["pilot"]}, actor="o", reason="r")


def test_a_process_without_identity_refuses_cohort_roles_it_cannot_check(route, settings):
    settings.GATEWAY_ROLE_CATALOGUE = ""  # a SERVICE=gateway process
    with pytest.raises(ChangeRefused, match="cannot be checked in this process"):
        route_change(route_id=route.id, changes={"cohort_roles": ["mentor"]}, actor="o", reason="r")
    route_change(route_id=route.id, changes={"cohort_roles": []}, actor="o", reason="clear")


# --- create and delete, from the command and the REST API ---------------------------------


def test_routes_are_created_and_deleted_with_a_reason_over_rest_and_the_command(client):
    out = StringIO()
    call_command("gateway_routes", "add", "GET /api/things/{id}", "--legacy-target",
                 "/api/things/{id}", "--reason", "new endpoint", stdout=out)  # fmt: skip
    created = Route.objects.get(path_pattern="/api/things/{id}")
    assert audit_trail(subject_id=created.id)[0]["action"] == "create"
    with pytest.raises(CommandError, match="exists already"):
        call_command("gateway_routes", "add", "GET /api/things/{id}", "--legacy-target",
                     "/api/things/{id}", "--reason", "twice")  # fmt: skip
    made = client.post("/ops/gateway/routes",
                       {"method": "POST", "path_pattern": "/api/things",
                        "legacy_target": "/api/things", "cohort_roles": ["mentor"],
                        "reason": "writes too"},
                       content_type="application/json", **bearer())  # fmt: skip
    assert made.status_code == 201, made.content
    bad = client.post("/ops/gateway/routes", {"method": "GET", "path_pattern": "/api/x",
                      "legacy_target": "/api/x", "cohort_roles": ["nobody"], "reason": "r"},
                      content_type="application/json", **bearer())  # fmt: skip
    assert bad.status_code == 400 and not Route.objects.filter(path_pattern="/api/x").exists()
    url = f"/ops/gateway/routes/{made.json()['id']}"
    assert client.delete(url, content_type="application/json", **bearer()).status_code == 400
    gone = client.delete(url, {"reason": "merged"}, content_type="application/json", **bearer())
    assert gone.status_code == 204
    assert audit_trail(subject_id=made.json()["id"])[-1]["reason"] == "merged"
    call_command("gateway_routes", "delete", "GET /api/things/{id}", "--reason", "unused",
                 stdout=out)  # fmt: skip
    assert not Route.objects.filter(path_pattern__startswith="/api/things").exists()


def test_the_admin_deletes_only_through_the_audited_action(admin_client, route):
    page = admin_client.get(f"/admin/gateway/route/{route.id}/delete/")
    assert page.status_code == 403  # its own delete would ask no reason
    form = {"action": "route_delete_0", "_selected_action": [str(route.id)]}
    asks = admin_client.post("/admin/gateway/route/", form)
    assert b'name="reason"' in asks.content
    admin_client.post("/admin/gateway/route/", {**form, "apply": "Apply", "reason": "unused"})
    assert not Route.objects.filter(pk=route.id).exists()
    (entry,) = audit_trail(subject_id=route.id)
    assert (entry["action"], entry["actor"]) == ("delete", "root@example.com")


# --- every process picks the change up ------------------------------------------------------

WATCHER = """
import sys, time
from gateway.table import TableCache
cache = TableCache(ttl=float(sys.argv[1]))
route, _ = cache.get().match("GET", "/api/spaces/1")
print("ready", route.translator, flush=True)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    route, _ = cache.get().match("GET", "/api/spaces/1")
    if route.translator == "spaces.list":
        print("seen", flush=True)
        break
    time.sleep(0.05)
"""


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_two_processes_pick_up_an_edit_within_the_refresh_interval(route):
    env = {**clean_environment(**database_urls_for("default")), "SERVICE": "gateway",
           "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
    script = "import django\ndjango.setup()\n" + WATCHER
    watchers = [
        subprocess.Popen(
            [sys.executable, "-c", script, "1.0"],
            cwd=REPO,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        for watcher in watchers:
            assert watcher.stdout.readline().split() == ["ready", "spaces.detail"]
        route_change(route_id=route.id, changes={"translator": "spaces.list"}, actor="ops",
                     reason="the list translator")  # fmt: skip
        for watcher in watchers:
            wait_until(lambda w=watcher: w.poll() is not None, 60, "the watcher to see it")
            assert watcher.stdout.read().strip() == "seen", watcher.stderr.read()
    finally:
        for watcher in watchers:
            watcher.kill()
            watcher.wait(timeout=30)
