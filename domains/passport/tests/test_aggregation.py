"""Statements in, competency levels out: mapping rules, voiding, and replay.

Statements arrive as ``learning.*`` envelopes through the consumer's inbox path; a
voided statement withdraws exactly what it alone supported; replaying the same
envelopes into empty tables rebuilds the same passport.
"""

from uuid import uuid4

import pytest

from domains.passport.models import Evidence
from domains.passport.selectors import passport_for
from domains.passport.tests.conftest import (
    COMPLETED,
    COURSE,
    EXAM,
    MODULE_TYPE,
    PASSED,
    actor,
    record,
    void,
)  # fmt: skip
from eventing.inbox import Outcome, apply_envelope
from eventing.models import InboxMessage

pytestmark = pytest.mark.django_db(databases=["passport"])


def levels(holder):
    return {c["code"]: c["level"] for c in passport_for(member_id=holder)["competencies"]}


def test_levels_follow_the_rules_and_voiding_withdraws_only_what_it_alone_supported(web_api):
    ifi, holder = actor("ana@example.com")
    assert levels(holder) == {}
    first = record(ifi, COMPLETED, "https://learn.example.org/m/1", object_type=MODULE_TYPE)
    assert levels(holder) == {}  # the level 1 rule needs two modules
    record(ifi, COMPLETED, "https://learn.example.org/m/2", object_type=MODULE_TYPE)
    assert levels(holder) == {"WEB-1": 1}
    course = record(ifi, COMPLETED, COURSE)
    record(ifi, PASSED, EXAM, score=0.7)  # below the rule's minimum score
    assert levels(holder) == {"WEB-1": 2}
    exam = record(ifi, PASSED, EXAM, score=0.9)
    passport = passport_for(member_id=holder)
    (competency,) = passport["competencies"]
    assert (competency["level"], competency["level_name"]) == (3, "Proficient")
    assert [e["statement_id"] for e in competency["evidence"]] == [exam.payload["statement_id"]]

    void(exam.payload["statement_id"])  # level 3 stood on this statement alone
    assert levels(holder) == {"WEB-1": 2}
    void(course.payload["statement_id"])
    assert levels(holder) == {"WEB-1": 1}
    void(first.payload["statement_id"])
    assert levels(holder) == {}
    # Someone else's learning is theirs.
    other_ifi, other = actor("bruno@example.com")
    record(other_ifi, COMPLETED, COURSE)
    assert levels(other) == {"WEB-1": 2} and levels(holder) == {}


def test_a_redelivered_statement_has_no_second_effect(web_api):
    ifi, holder = actor("ana@example.com")
    envelope = record(ifi, COMPLETED, COURSE)
    assert apply_envelope("passport", envelope) is Outcome.DUPLICATE
    assert Evidence.objects.filter(member_id=holder).count() == 1


def test_replaying_the_events_rebuilds_the_same_passport(web_api):
    ifi, holder = actor("ana@example.com")
    envelopes = [
        record(ifi, COMPLETED, "https://learn.example.org/m/1", object_type=MODULE_TYPE),
        record(ifi, COMPLETED, "https://learn.example.org/m/2", object_type=MODULE_TYPE),
        record(ifi, COMPLETED, COURSE),
        exam := record(ifi, PASSED, EXAM, score=0.95),
    ]
    envelopes.append(void(exam.payload["statement_id"]))
    before = passport_for(member_id=holder)
    assert before["competencies"][0]["level"] == 2

    Evidence.objects.all().delete()
    InboxMessage.objects.using("passport").filter(group="passport").delete()
    assert passport_for(member_id=holder)["competencies"] == []
    for envelope in envelopes:
        assert apply_envelope("passport", envelope) is Outcome.APPLIED
    assert passport_for(member_id=holder) == before


def test_a_members_account_ifi_names_their_passport(web_api, settings):
    member_id = uuid4()
    ifi = f"account:{settings.PASSPORT_MEMBER_ACCOUNT_HOMEPAGE}|{member_id}"
    record(ifi, COMPLETED, COURSE)
    assert levels(member_id) == {"WEB-1": 2}
