"""Learning activity copied from legacy into the LRS (``domains/learning/sync_sink.py``)
and read through the ``LearningRecord`` port, against a real reference legacy process
(a fresh one per test: tests change its data), the real learning database and its
outbox.

Legacy seeds seven course records: Ada (user 1) started, completed and passed PY101
(92 %), Grace (2) failed then passed COBOL1 (45 %, 81 %), Alan (3) passed CRYPTO (88 %),
Edsger (4) started ALGO.
"""

from __future__ import annotations

import json
from io import StringIO
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.management import call_command

from contracts.envelope import Envelope
from domains.identity.models import User
from domains.learning.models import Statement
from domains.learning.services.clients import lrs_client_create
from domains.learning.sync_sink import legacy_import_authority
from domains.learning.tests.xapi.conftest import Lrs, basic
from domains.passport.models import Evidence
from domains.passport.tests.conftest import passport_app
from eventing.inbox import apply_envelope
from eventing.models import OutboxMessage
from legacy_adapter.acl.values import uuid_for
from legacy_adapter.models import SyncState
from legacy_adapter.ports.learning import LegacyLearningRecord, NewLearningRecord, learning_record
from legacy_adapter.ports.refusals import LearningRecordRefused
from legacy_adapter.sync.runs import backfill, reconcile, sync_changes
from legacy_adapter.sync.sinks import sink_for
from legacy_adapter.wiring import legacy_client, reset_legacy_client
from tests.security.conftest import bearer, member

__all__ = ["passport_app"]

pytestmark = pytest.mark.django_db(databases="__all__")

ALL = tuple(range(1, 8))
PASSED = "http://adlnet.gov/expapi/verbs/passed"


@pytest.fixture
def legacy(own_legacy):
    """These tests change legacy's data: a service of their own, not the module's."""
    return own_legacy


@pytest.fixture
def synced(legacy, settings):
    settings.LEGACY_BASE_URL = legacy.base_url
    settings.RATELIMIT_ENABLE = False
    reset_legacy_client()
    yield legacy
    reset_legacy_client()


@pytest.fixture
def lrs_client_credentials():
    client, secret = lrs_client_create(name="Reader")
    return basic(client.key, secret)


def run(**kwargs):
    return backfill(resource="activity", client=legacy_client(), sink=sink_for("activity"),
                    **kwargs)  # fmt: skip


def differences() -> dict:
    found = reconcile(resource="activity", client=legacy_client(), sink=sink_for("activity"))
    return {d.legacy_number: d for d in found}


def copies() -> dict[str, dict]:
    return sink_for("activity").get_many([str(uuid_for("activity", n)) for n in ALL])


def ada() -> str:
    return str(uuid_for("user", 1))


def test_the_activity_sink_is_learnings_and_runs_after_users():
    assert settings.LEGACY_SYNC_SINKS["activity"] == "domains.learning.sync_sink.LegacyActivitySink"
    assert list(settings.LEGACY_SYNC_SINKS)[:2] == ["users", "activity"]


def test_backfill_twice_gives_the_same_statements(synced):
    first = run()
    copy = copies()
    assert (first.read, first.created, first.skipped) == (7, 7, 0)
    assert set(copy) == {str(uuid_for("activity", n)) for n in ALL}
    passed = copy[str(uuid_for("activity", 3))]
    assert passed["verb"]["id"] == PASSED
    assert passed["actor"]["account"] == {
        "homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/members", "name": ada(),
    }  # fmt: skip
    assert passed["object"]["id"] == "https://legacy.learning-community.example/courses/PY101"
    assert passed["result"] == {
        "success": True, "completion": True,
        "score": {"scaled": 0.92, "raw": 92, "min": 0, "max": 100},
    }  # fmt: skip
    assert passed["timestamp"] == "2026-01-25T10:00:00+00:00"  # 25.01.2026 11:00 in Paris
    assert copy[str(uuid_for("activity", 2))]["result"] == {"completion": True}
    assert "result" not in copy[str(uuid_for("activity", 1))]  # started: nothing to report
    again = run(restart=True)
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 7, 0)
    assert copies() == copy
    assert Statement.objects.count() == 7


def test_course_iris_follow_the_configured_base(synced, settings):
    settings.LEGACY_COURSE_IRI_BASE = "https://courses.example.org/legacy/"
    run()
    objects = set(Statement.objects.values_list("object_id", flat=True))
    assert objects == {f"https://courses.example.org/legacy/{code}"
                       for code in ("PY101", "COBOL1", "CRYPTO", "ALGO")}  # fmt: skip


def test_an_interrupted_backfill_resumes(synced):
    interrupted = run(page_size=2, stop_after_pages=1)
    assert interrupted.read == 2 and len(copies()) == 2
    resumed = run(page_size=2)
    assert resumed.resumed_from == 2
    assert (resumed.read, resumed.created) == (5, 5)
    assert len(copies()) == 7
    assert SyncState.objects.get(resource="activity").backfill_done


def test_a_legacy_change_after_the_copy_is_reported_and_the_statement_kept(synced):
    client, sink = legacy_client(), sink_for("activity")
    assert sync_changes(resource="activity", client=client, sink=sink).created == 7
    synced.change("UPDATE activity SET score_pct = 97, changed = '01.12.2026 10:00' "
                          "WHERE act_no = 3")  # fmt: skip
    later = sync_changes(resource="activity", client=client, sink=sink)
    assert (later.read, later.updated, later.skipped, later.watermark) == (
        1, 0, 1, "2026-12-01 10:00",
    )  # fmt: skip
    [problem] = later.problems
    assert problem.startswith(f"activity {uuid_for('activity', 3)}: legacy and the copy differ "
                              "in result;")  # fmt: skip
    assert "immutable" in problem
    kept = Statement.objects.get(pk=uuid_for("activity", 3))
    assert kept.document["result"]["score"]["scaled"] == 0.92
    [difference] = differences().values()
    assert difference.legacy_number == 3
    assert set(difference.fields) == {"result"}


def test_reconcile_is_clean_after_a_backfill_and_shows_tampered_and_missing(synced):
    run()
    assert differences() == {}
    tampered = Statement.objects.get(pk=uuid_for("activity", 1))
    tampered.document["verb"]["id"] = PASSED
    tampered.save()
    Statement.objects.filter(pk=uuid_for("activity", 7)).delete()
    found = differences()
    assert set(found) == {1, 7}
    assert set(found[1].fields) == {"verb"}
    assert found[7].missing
    again = run(restart=True)  # the missing one is copied again, the tampered one reported
    assert (again.created, again.unchanged, again.skipped) == (1, 5, 1)
    assert "differ in verb" in again.problems[0]
    assert set(differences()) == {1}


def test_a_copy_voided_in_the_lrs_is_not_restored(synced, lrs_client_credentials):
    run()
    voiding = {
        "actor": {"mbox": "mailto:admin@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": str(uuid_for("activity", 2))},
    }
    assert Lrs(lrs_client_credentials).post(voiding).status_code == 200
    assert differences()[2].missing
    again = run(restart=True)
    assert (again.created, again.skipped) == (0, 1)
    assert "voided" in again.problems[0]


def test_copied_statements_are_visible_to_lrs_clients_and_announced(synced, lrs_client_credentials):
    run()
    agent = {"account": {"homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/members", "name": ada()}}
    answer = Lrs(lrs_client_credentials).get("statements", {"agent": json.dumps(agent)})
    assert answer.status_code == 200
    statements = answer.json()["statements"]
    assert {s["id"] for s in statements} == {str(uuid_for("activity", n)) for n in (1, 2, 3)}
    assert all(s["authority"] == legacy_import_authority() for s in statements)
    assert [s["verb"]["display"]["en-US"] for s in statements] == [
        "passed", "completed", "attempted",
    ]  # fmt: skip
    announced = OutboxMessage.objects.using("learning").filter(
        event_type="learning.statement_recorded"
    )
    assert sorted(m.aggregate_id for m in announced) == sorted(
        str(uuid_for("activity", n)) for n in ALL
    )
    grace_failed = next(
        m.envelope for m in announced if m.aggregate_id == str(uuid_for("activity", 4))
    )
    payload = grace_failed["payload"]
    assert payload["result_success"] is False and payload["result_score_scaled"] == 0.45
    run(restart=True)
    assert announced.count() == 7  # a rerun announces nothing twice


def test_passport_takes_the_copies_as_evidence_of_the_members(synced, passport_app):
    """The copies' actor is the account passport maps to a member: delivered as the bus
    would deliver them, they count as the legacy member's evidence."""
    run()
    for message in OutboxMessage.objects.using("learning").order_by("id"):
        apply_envelope("passport", Envelope.from_dict(message.envelope))
    evidence = Evidence.objects.filter(member_id=uuid_for("user", 2)).order_by("timestamp")
    assert [(e.verb_id.rsplit("/", 1)[-1], e.score_scaled, e.success) for e in evidence] == [
        ("failed", 0.45, False), ("passed", 0.81, True),
    ]  # fmt: skip
    assert Evidence.objects.count() == 7


def test_a_bad_legacy_row_is_skipped_with_its_reason_not_a_crash(synced):
    synced.change("INSERT INTO activity VALUES (8, 2, 'X1', 'Broken export', 'PASSED', "
                          "150, '02.02.2026 10:00', '02.02.2026 10:00')")  # fmt: skip
    out = StringIO()
    call_command("legacy_sync", "backfill", "activity", "--page-size", "3", stdout=out)
    text = out.getvalue()
    assert "8/8" in text
    assert "activity: read 8 (resumed after #0), created 7, updated 0, unchanged 0, skipped 1" in (
        text
    )
    assert (
        f"skipped activity {uuid_for('activity', 8)}: the LRS refuses it "
        "(result.score.scaled: must be between -1 and 1)"
    ) in text
    assert not Statement.objects.filter(pk=uuid_for("activity", 8)).exists()
    report = StringIO()
    call_command("legacy_sync", "reconcile", "activity", stdout=report)
    assert f"#8 {uuid_for('activity', 8)}: missing" in report.getvalue()


def test_a_negative_score_is_refused_by_the_lrs_too(synced):
    synced.change("INSERT INTO activity VALUES (8, 2, 'X1', 'Broken export', 'FAILED', "
                          "-5, '02.02.2026 10:00', '02.02.2026 10:00')")  # fmt: skip
    summary = run()
    assert (summary.created, summary.skipped) == (7, 1)
    assert "result.score.raw: must be between min and max" in summary.problems[0]


# --- the port: the same contract from both implementations ---------------------------------


def signed_in_as(member_id: str) -> str:
    user = User.objects.create_user(f"{uuid4().hex[:8]}@example.org", None, id=member_id)
    return bearer(user)["HTTP_AUTHORIZATION"]


@pytest.mark.parametrize("implementation", [LegacyLearningRecord, NewLearningRecord])
def test_both_learning_records_keep_the_same_contract(synced, implementation):
    """The port's contract suite: the same checks against both implementations."""
    run()
    port, authorization = implementation(), signed_in_as(ada())
    entries = port.activity_for_member(member_id=uuid_for("user", 1), authorization=authorization)
    assert [e["id"] for e in entries] == [str(uuid_for("activity", n)) for n in (3, 2, 1)]
    assert all(set(e) == {"id", "timestamp", "verb", "object_id", "object_name", "result"}
               for e in entries)  # fmt: skip
    newest = entries[0]
    assert newest["timestamp"] == "2026-01-25T10:00:00+00:00"
    assert newest["verb"] == PASSED
    assert newest["object_id"] == "https://legacy.learning-community.example/courses/PY101"
    assert newest["object_name"] == {"und": "Python for analysts"}
    assert newest["result"]["score"]["scaled"] == 0.92
    assert entries[-1]["result"] is None  # "started": no result
    moderator = bearer(member("moderator"))["HTTP_AUTHORIZATION"]
    assert port.activity_for_member(member_id=uuid_for("user", 5), authorization=moderator) == []
    assert port.activity_for_member(member_id=uuid4(), authorization=moderator) == []


def test_both_learning_records_give_equal_answers(synced):
    run()
    moderator = bearer(member("moderator"))["HTTP_AUTHORIZATION"]
    for n in (1, 2, 3, 4):
        member_id = uuid_for("user", n)
        legacy_side = LegacyLearningRecord().activity_for_member(member_id=member_id)
        new_side = NewLearningRecord().activity_for_member(
            member_id=member_id, authorization=moderator
        )
        assert legacy_side == new_side and legacy_side


def test_the_new_learning_record_needs_the_member_or_user_read(synced):
    run()
    with pytest.raises(LearningRecordRefused) as anonymous:
        NewLearningRecord().activity_for_member(member_id=uuid_for("user", 1))
    assert anonymous.value.kind == "unauthenticated"
    someone = bearer(member())["HTTP_AUTHORIZATION"]
    with pytest.raises(LearningRecordRefused) as other:
        NewLearningRecord().activity_for_member(
            member_id=uuid_for("user", 1), authorization=someone
        )
    assert other.value.kind == "forbidden"


def test_the_port_is_chosen_by_configuration(settings):
    assert isinstance(learning_record(), LegacyLearningRecord)
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, "learning": "new"}
    assert isinstance(learning_record(), NewLearningRecord)
