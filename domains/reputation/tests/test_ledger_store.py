"""The ledger in its event store: snapshots give the state a full replay gives, stored
version 1 events are read as version 2 without being rewritten, ratings are published."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.db import connections
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import StoredEvent

from contracts.reputation.v1 import RatingRecorded
from domains.reputation.domain.ledger import DuplicateRating, MemberLedger
from domains.reputation.models import Rating
from domains.reputation.services import rating_give

pytestmark = pytest.mark.django_db(databases=["reputation"])

GIVEN_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def state(aggregate) -> dict:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_a_ledger_read_from_its_snapshot_equals_a_full_replay(ledger_app):
    member = uuid4()
    for number in range(120):  # versions 2..121: snapshots at 50 and 100
        rating_give(
            rater_id=uuid4(), ratee_id=member, context_type="session",
            context_id=str(number), score=1 + number % 5, given_at=GIVEN_AT,
        )  # fmt: skip
    ledger_id = MemberLedger.create_id(member)
    snapshots = list(ledger_app.snapshots.get(ledger_id))
    assert [s.originator_version for s in snapshots] == [50, 100]

    replayed = project_aggregate(None, ledger_app.events.get(ledger_id))
    from_snapshot = ledger_app.repository.get(ledger_id)  # snapshot 100 + 21 events
    assert from_snapshot.version == replayed.version == 121
    assert state(from_snapshot) == state(replayed)
    assert len(from_snapshot.received) == 120
    assert from_snapshot.score_total == sum(1 + n % 5 for n in range(120))
    # The snapshot alone is the state a replay up to its version gives.
    at_100 = project_aggregate(None, ledger_app.events.get(ledger_id, lte=100))
    assert state(snapshots[1].mutate(None)) == state(at_100)


V1_TOPIC = "domains.reputation.domain.ledger:MemberLedger.RatingGiven"


def stored_v1_rating(ledger_id, *, rating_id, rater_id, ratee_id) -> StoredEvent:
    """A RatingGiven exactly as version 1 of the code stored it (no class_version)."""

    def uuid_hex(value):
        return {"_type_": "uuid_hex", "_data_": value.hex}

    when = {"_type_": "datetime_iso", "_data_": GIVEN_AT.isoformat()}
    state_v1 = {
        "timestamp": when, "rating_id": uuid_hex(rating_id), "rater_id": uuid_hex(rater_id),
        "ratee_id": uuid_hex(ratee_id), "context": "booking:123", "score": 4,
        "comment": "Clear and kind", "given_at": when,
    }  # fmt: skip
    return StoredEvent(
        originator_id=ledger_id,
        originator_version=2,
        topic=V1_TOPIC,
        state=json.dumps(state_v1, separators=(",", ":")).encode(),
    )


def test_a_stored_version_1_rating_is_read_as_version_2_and_never_rewritten(ledger_app):
    ratee, rater, rating_id = uuid4(), uuid4(), uuid4()
    ledger = MemberLedger(member_id=ratee)
    ledger_app.save(ledger)
    old = stored_v1_rating(ledger.id, rating_id=rating_id, rater_id=rater, ratee_id=ratee)
    ledger_app.recorder.insert_events([old])

    given = list(ledger_app.events.get(ledger.id))[1]
    assert isinstance(given, MemberLedger.RatingGiven)
    assert (given.context_type, given.context_id) == ("booking", "123")
    assert not hasattr(given, "context")
    # The upcast history holds the rules: the same rater cannot rate that booking again.
    with pytest.raises(DuplicateRating):
        rating_give(
            rater_id=rater, ratee_id=ratee, context_type="booking", context_id="123", score=5
        )
    # ... it reaches the read model and the bus as version 2 ...
    rating_give(rater_id=rater, ratee_id=ratee, context_type="booking", context_id="124", score=5)
    row = Rating.objects.using("reputation").get(id=rating_id)
    assert (row.context_type, row.context_id, row.comment) == ("booking", "123", "Clear and kind")
    assert ledger_app.to_published(given).context_id == "123"
    # ... and the stored record is byte for byte what version 1 wrote.
    with connections["reputation"].cursor() as cursor:
        cursor.execute(
            "SELECT topic, state FROM reputationapplication_events "
            "WHERE originator_id = %s AND originator_version = 2",
            [ledger.id],
        )
        topic, stored_state = cursor.fetchone()
    assert (topic, bytes(stored_state)) == (V1_TOPIC, old.state)


def test_a_rating_is_published_as_rating_recorded_and_nothing_else_is(ledger_app):
    rater, ratee = uuid4(), uuid4()
    rating_give(
        rater_id=rater, ratee_id=ratee, context_type="mentoring", context_id="m-1", score=5,
        comment="private words", given_at=GIVEN_AT,
    )  # fmt: skip
    notifications = ledger_app.recorder.select_notifications(start=1, limit=10)
    published = [
        ledger_app.to_published(ledger_app.mapper.to_domain_event(n)) for n in notifications
    ]
    assert published[0] is None  # the ledger's opening is internal
    recorded = published[1]
    assert isinstance(recorded, RatingRecorded)
    assert (recorded.rater_id, recorded.ratee_id, recorded.score) == (rater, ratee, 5)
    assert (recorded.context_type, recorded.context_id) == ("mentoring", "m-1")
    assert recorded.given_at == GIVEN_AT
    assert "private words" not in json.dumps(recorded.payload(), default=str)
