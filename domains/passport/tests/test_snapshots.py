"""Passport reads and their snapshots: a current snapshot answers a read without
aggregating the evidence; a change of the rules shows at once (reads aggregate until
the snapshot is rebuilt) and the catch-up rebuilds it."""

from uuid import uuid4

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from common.auth.principal import Principal
from domains.passport.models import Evidence, MappingRule, PassportSnapshot
from domains.passport.services import NotHeld, credential_issue
from domains.passport.tasks import reaggregate_pending
from domains.passport.tests.conftest import COMPLETED, COURSE, actor, record

pytestmark = pytest.mark.django_db(databases="__all__")


def client_with(*scopes: str) -> APIClient:
    """A client authenticated as a member holding ``scopes`` (a verified token's principal)."""
    client = APIClient()
    client.force_authenticate(Principal(id=uuid4(), kind="member", scopes=frozenset(scopes)))
    return client


def read(holder):
    response = client_with("credential.issue").get(f"/api/v1/passport/members/{holder}/passport")
    assert response.status_code == 200 and "X-Degraded" not in response
    return [(c["code"], c["level"]) for c in response.json()["competencies"]]


def test_a_current_snapshot_answers_without_reading_the_evidence(web_api):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    with CaptureQueriesContext(connections["passport"]) as queries:
        assert read(holder) == [("WEB-1", 2)]
    evidence_table = Evidence._meta.db_table
    assert not any(evidence_table in q["sql"] for q in queries.captured_queries)


def test_a_rule_change_shows_at_once_and_the_catch_up_rebuilds_the_snapshot(web_api):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    assert read(holder) == [("WEB-1", 2)]
    rule = MappingRule.objects.get(activity_id=COURSE)
    rule.activity_id = "https://learn.example.org/courses/another"
    rule.save()
    assert PassportSnapshot.objects.get(member_id=holder).pending_since is not None
    assert read(holder) == []  # the new rules, aggregated now
    assert reaggregate_pending.apply().get() == 1
    snapshot = PassportSnapshot.objects.get(member_id=holder)
    assert snapshot.pending_since is None and snapshot.competencies == []
    rule.delete()  # deleting a rule counts too
    assert PassportSnapshot.objects.get(member_id=holder).pending_since is not None


def test_issuing_claims_what_the_snapshot_holds_and_aggregates_only_when_it_is_stale(
    web_api, passport_app, clock
):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    with CaptureQueriesContext(connections["passport"]) as queries:
        credential = credential_issue(member_id=holder, kind="competency", competency_id=web_api.pk)
    evidence_table = Evidence._meta.db_table
    assert not any(evidence_table in q["sql"] for q in queries.captured_queries)
    achieved = credential.document["credentialSubject"]["result"][0]["achievedLevel"]
    assert achieved == "2 Practising"

    # Rules changed since the snapshot: the credential says what the new rules give.
    MappingRule.objects.filter(activity_id=COURSE).first().delete()
    with pytest.raises(NotHeld):
        credential_issue(member_id=holder, kind="competency", competency_id=web_api.pk)
