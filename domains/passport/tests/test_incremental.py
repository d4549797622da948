"""Incremental aggregation: a consumer batch of statements updates its holders'
passports from the rules' stored matches, not by re-reading their whole history, and
ends with exactly what a full aggregation of the evidence gives."""

import random
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from contracts.events import envelope_for
from contracts.learning.v1 import StatementRecorded
from domains.passport.domain.levels import Level
from domains.passport.models import Evidence, MappingRule, PassportSnapshot
from domains.passport.selectors import competencies_aggregate
from domains.passport.tests.conftest import (
    COMPLETED,
    COURSE,
    EXAM,
    MODULE_TYPE,
    PASSED,
    actor,
    void,
)
from eventing.inbox import apply_batch

pytestmark = pytest.mark.django_db(databases="__all__")

OBJECTS = [
    (COURSE, "http://adlnet.gov/expapi/activities/course"),
    (EXAM, "http://adlnet.gov/expapi/activities/assessment"),
    ("https://learn.example.org/modules/1", MODULE_TYPE),
    ("https://learn.example.org/modules/2", MODULE_TYPE),
]


def _statement(rng: random.Random, ifi: str) -> StatementRecorded:
    object_id, object_type = rng.choice(OBJECTS)
    # Timestamps in another zone than UTC: the snapshot must list them as a full
    # aggregation (from the database) does.
    at = datetime.now(UTC).astimezone(timezone(timedelta(hours=2)))
    return StatementRecorded(
        statement_id=uuid4(), actor_ifi=ifi, verb_id=rng.choice([COMPLETED, PASSED]),
        object_id=object_id, object_type=object_type, timestamp=at, stored=at,
        result_score_scaled=rng.choice([None, 0.5, 0.9]),
        result_success=rng.choice([None, True, False]),
    )  # fmt: skip


def _deliver(events: list[StatementRecorded]) -> None:
    apply_batch("passport", "passport", [envelope_for(e, producer="learning") for e in events])


def _assert_snapshots_match_full_aggregation(holders) -> None:
    for holder in holders:
        snapshot = PassportSnapshot.objects.get(member_id=holder)
        assert snapshot.pending_since is None
        assert snapshot.competencies == competencies_aggregate(member_id=holder), holder


def test_batches_end_where_a_full_aggregation_does(web_api):
    second = web_api.framework.competencies.create(code="API-2", name="Design an API")
    MappingRule.objects.create(
        competency=second, level=Level.PRACTISING, verb_id=PASSED, min_count=3
    )
    rng = random.Random(19)  # noqa: S311 - test data
    actors = [actor(f"m{i}@example.com") for i in range(6)]
    recorded = []
    for _ in range(15):
        batch = [_statement(rng, rng.choice(actors)[0]) for _ in range(rng.randint(1, 12))]
        _deliver(batch)
        recorded += batch
        _assert_snapshots_match_full_aggregation(
            PassportSnapshot.objects.values_list("member_id", flat=True)
        )
    assert any(s.competencies for s in PassportSnapshot.objects.all()), "nothing was held"
    for event in rng.sample(recorded, 10):  # voidings re-aggregate in full
        void(event.statement_id)
    _deliver([_statement(rng, ifi) for ifi, _ in actors])  # and increments go on from there
    _assert_snapshots_match_full_aggregation([holder for _, holder in actors])


def test_a_batch_does_not_read_a_members_history(web_api):
    ifi, holder = actor("ana@example.com")
    rng = random.Random(7)  # noqa: S311 - test data
    _deliver([_statement(rng, ifi) for _ in range(200)])
    with CaptureQueriesContext(connections["passport"]) as queries:
        _deliver([_statement(rng, ifi)])
    evidence_table = Evidence._meta.db_table
    reads = [
        q["sql"] for q in queries.captured_queries
        if evidence_table in q["sql"] and not q["sql"].startswith("INSERT")
    ]  # fmt: skip
    assert reads == []
    _assert_snapshots_match_full_aggregation([holder])
