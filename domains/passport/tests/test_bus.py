"""Learning's events reach the passport through Redis Streams and the ``passport`` consumer
group, the way production delivers them: a real ``Consumer`` on the tests' own Redis."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from contracts.events import envelope_for
from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.passport.selectors import passport_for
from domains.passport.tests.conftest import COMPLETED, COURSE, EXAM, PASSED, actor
from eventing.consumer import Consumer
from eventing.streams import event_stream, stream_fields
from tests.bus.conftest import bus, redis_server

__all__ = ["bus", "redis_server"]

pytestmark = pytest.mark.django_db(databases=["passport"], transaction=True)


def test_statements_and_a_voiding_arrive_through_the_consumer(bus, web_api):
    client = bus.client()
    ifi, holder = actor("ana@example.com")
    now = datetime.now(UTC)

    def statement(verb, obj, score=None):
        return StatementRecorded(
            statement_id=uuid4(), actor_ifi=ifi, verb_id=verb, object_id=obj,
            object_type="", timestamp=now, stored=now, result_score_scaled=score,
        )  # fmt: skip

    course, exam = statement(COMPLETED, COURSE), statement(PASSED, EXAM, 0.9)
    voiding = StatementVoided(
        statement_id=exam.statement_id, voiding_statement_id=uuid4(), voided_at=now
    )
    envelopes = [envelope_for(e, producer="learning") for e in (course, exam, voiding)]
    for envelope in envelopes[:2]:
        client.xadd(event_stream("learning"), stream_fields(envelope.to_dict()))
        client.xadd(event_stream("learning"), stream_fields(envelope.to_dict()))  # delivered twice
    consumer = Consumer("passport", client)
    for _ in range(5):
        consumer.step()
    assert passport_for(member_id=holder)["competencies"][0]["level"] == 3
    client.xadd(event_stream("learning"), stream_fields(envelopes[2].to_dict()))
    for _ in range(5):
        consumer.step()
    assert passport_for(member_id=holder)["competencies"][0]["level"] == 2
    assert consumer.stats.applied == 3 and consumer.stats.duplicates == 2
