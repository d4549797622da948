"""A route or flags change and its audit entry are one ``default`` transaction (the
audit was written first, on its own connection, and stayed when the change failed)."""

import pytest

from gateway import services
from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import GatewayState, Route

pytestmark = pytest.mark.django_db(databases=["default"])


class Crash(Exception):
    """Stands for the process dying at this point (nothing after it runs)."""


def crash(*args, **kwargs):
    raise Crash


@pytest.fixture
def route():
    return Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip


def version() -> int:
    return GatewayState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@pytest.mark.parametrize(
    "between",
    [
        "gateway.services._bump_version",  # after the route row, before the version
        "gateway.services.audit_record",  # after route and version, at the audit
    ],
)
def test_a_route_change_interrupted_between_two_writes_leaves_none_of_them(
    route, monkeypatch, between
):
    before = version()
    monkeypatch.setattr(between, crash)
    with pytest.raises(Crash):
        services.route_action(route_id=route.id, action="shadow", actor="ops", reason="try")
    route.refresh_from_db()
    assert route.mode == "legacy"
    assert version() == before
    assert audit_trail(subject_id=route.id) == []


def test_a_flags_change_interrupted_at_its_audit_changes_no_flag(monkeypatch):
    GatewayState.objects.get_or_create(pk=1)
    before = version()
    # Tests that commit (a live server) may have left flags entries: none may be added.
    audited = audit_trail(subject_id=GLOBAL_SUBJECT)
    monkeypatch.setattr("gateway.services.audit_record", crash)
    with pytest.raises(Crash):
        services.gateway_flags_change(actor="ops", reason="drill", kill_all=True)
    state = GatewayState.objects.get(pk=1)
    assert (state.kill_all, state.version) == (False, before)
    assert audit_trail(subject_id=GLOBAL_SUBJECT) == audited


def test_a_route_change_and_its_audit_entry_commit_together(route):
    services.route_action(route_id=route.id, action="shadow", actor="ops", reason="compare")
    route.refresh_from_db()
    assert route.mode == "shadow"
    (entry,) = audit_trail(subject_id=route.id)
    assert (entry["action"], entry["after"]["mode"]) == ("shadow", "shadow")


# --- every ops change goes through the one audited path -----------------------------------
#
# A fault is injected at the audit write (the change's own rows are written by then)
# and between the rows and the version: nothing of the change may remain, whether the
# admin, the command or the REST API asked for it (they all call these services).


def _audit_then_crash(monkeypatch) -> list:
    """The audit entry is written, then the process dies before anything else runs."""
    subjects = []

    def audit_record(**kwargs):
        subjects.append(kwargs["subject_id"])
        real(**kwargs)
        raise Crash

    real = services.audit_record
    monkeypatch.setattr(services, "audit_record", audit_record)
    return subjects


def test_a_route_creation_interrupted_after_its_audit_entry_leaves_neither(monkeypatch):
    before = version()
    subjects = _audit_then_crash(monkeypatch)
    with pytest.raises(Crash):
        services.route_create(
            values={"method": "GET", "path_pattern": "/api/things", "legacy_target": "/api/things"},
            actor="ops", reason="new endpoint",
        )  # fmt: skip
    assert not Route.objects.filter(path_pattern="/api/things").exists()
    assert version() == before
    (subject,) = subjects
    assert audit_trail(subject_id=subject) == []  # no entry for a route that never was


def test_a_route_creation_interrupted_at_its_version_leaves_nothing(monkeypatch):
    monkeypatch.setattr("gateway.services._bump_version", crash)
    subjects = []
    monkeypatch.setattr(services, "audit_record", lambda **kw: subjects.append(kw["subject_id"]))
    with pytest.raises(Crash):
        services.route_create(
            values={"method": "GET", "path_pattern": "/api/things", "legacy_target": "/api/things"},
            actor="ops", reason="new endpoint",
        )  # fmt: skip
    assert not Route.objects.filter(path_pattern="/api/things").exists()
    assert subjects == []  # the audit entry is the transaction's last write


def test_a_route_creation_commits_with_its_audit_entry():
    created = services.route_create(
        values={"method": "GET", "path_pattern": "/api/things", "legacy_target": "/api/things"},
        actor="ops", reason="new endpoint",
    )  # fmt: skip
    (entry,) = audit_trail(subject_id=created.id)
    assert (entry["action"], entry["actor"], entry["reason"]) == ("create", "ops", "new endpoint")
    assert entry["after"]["legacy_target"] == "/api/things"


def test_a_route_deletion_interrupted_after_its_audit_entry_leaves_the_route(route, monkeypatch):
    before = version()
    _audit_then_crash(monkeypatch)
    with pytest.raises(Crash):
        services.route_delete(route_id=route.id, actor="ops", reason="gone")
    assert Route.objects.filter(pk=route.id).exists()
    assert version() == before
    assert audit_trail(subject_id=route.id) == []


def test_a_route_deletion_is_audited_and_the_trail_outlives_the_route(route):
    services.route_delete(route_id=route.id, actor="ops", reason="not ours any more")
    assert not Route.objects.filter(pk=route.id).exists()
    (entry,) = audit_trail(subject_id=route.id)
    assert (entry["action"], entry["reason"]) == ("delete", "not ours any more")
    assert entry["before"]["path_pattern"] == "/api/spaces"


@pytest.mark.parametrize("action", ["kill", "canary"])
def test_a_kill_switch_or_canary_interrupted_after_its_audit_changes_nothing(
    route, monkeypatch, action
):
    _audit_then_crash(monkeypatch)
    with pytest.raises(Crash):
        services.route_action(route_id=route.id, action=action, percent=7.5, actor="o", reason="r")
    route.refresh_from_db()
    assert (route.killed, route.mode) == (False, "legacy")
    assert audit_trail(subject_id=route.id) == []


def test_a_flags_change_interrupted_after_its_audit_entry_leaves_neither(monkeypatch):
    GatewayState.objects.get_or_create(pk=1)
    audited = audit_trail(subject_id=GLOBAL_SUBJECT)
    _audit_then_crash(monkeypatch)
    with pytest.raises(Crash):
        services.gateway_flags_change(
            actor="ops", reason="drill", degraded={"search_ranking": True}
        )
    assert GatewayState.objects.get(pk=1).degraded.get("search_ranking") is not True
    assert audit_trail(subject_id=GLOBAL_SUBJECT) == audited
