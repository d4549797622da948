"""Learning events feed reputation: a rating given in an activity's context (a learner
rating the mentor of a course) is shown as verified when the rater finished that
activity as a member (``learning.statement_recorded`` by their member account), and no
longer once that statement is voided."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.conf import settings
from django.utils import timezone

from contracts.events import envelope_for
from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.reputation.models import CompletedActivity
from domains.reputation.services import rating_give
from domains.reputation.tests.test_anti_fraud import explanation
from eventing.inbox import Outcome, apply_envelope

pytestmark = pytest.mark.django_db(databases=["reputation"])

COURSE = "https://learn.example.org/courses/django"
OTHER_COURSE = "https://learn.example.org/courses/sql"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


def member_ifi(member_id) -> str:
    return f"account:{settings.REPUTATION_MEMBER_ACCOUNT_HOMEPAGE}|{member_id}"


def statement(actor_ifi: str, verb: str, activity: str, **result) -> StatementRecorded:
    now = datetime.now(UTC)
    return StatementRecorded(
        statement_id=uuid4(), actor_ifi=actor_ifi, verb_id=verb, object_id=activity,
        object_type="Activity", timestamp=now, stored=now, **result,
    )  # fmt: skip


def deliver(event, producer="learning") -> Outcome:
    return apply_envelope("reputation", envelope_for(event, producer=producer))


def rate_in(activity: str, rater, ratee) -> None:
    rating_give(
        rater_id=rater, ratee_id=ratee, context_type="activity", context_id=activity,
        score=5, given_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip


def verified(ratee) -> dict[tuple[str, str], bool]:
    return {(r["rater_id"], r["context_id"]): r["context_verified"] for r in explanation(ratee)}


def test_a_rating_from_someone_who_finished_the_activity_is_verified(ledger_app):
    learner, dropout, stranger, mentor = uuid4(), uuid4(), uuid4(), uuid4()
    finished = statement(member_ifi(learner), COMPLETED, COURSE)
    assert deliver(finished) == Outcome.APPLIED
    assert deliver(statement(member_ifi(dropout), ATTEMPTED, COURSE)) == Outcome.APPLIED
    # Passing by result alone counts; a non-member actor does not name a member.
    deliver(statement(member_ifi(stranger), ATTEMPTED, OTHER_COURSE, result_success=True))
    deliver(statement("mailto:someone@example.org", COMPLETED, COURSE))
    rate_in(COURSE, learner, mentor)
    rate_in(COURSE, dropout, mentor)
    rate_in(COURSE, stranger, mentor)  # finished another course, not this one
    assert verified(mentor) == {
        (str(learner), COURSE): True,
        (str(dropout), COURSE): False,
        (str(stranger), COURSE): False,
    }
    assert CompletedActivity.objects.count() == 2


def test_a_redelivery_adds_nothing_and_voiding_withdraws_the_verification(ledger_app):
    learner, mentor = uuid4(), uuid4()
    finished = statement(member_ifi(learner), COMPLETED, COURSE)
    envelope = envelope_for(finished, producer="learning")
    assert apply_envelope("reputation", envelope) == Outcome.APPLIED
    assert apply_envelope("reputation", envelope) == Outcome.DUPLICATE
    rate_in(COURSE, learner, mentor)
    assert verified(mentor) == {(str(learner), COURSE): True}
    voided = StatementVoided(
        statement_id=finished.statement_id, voiding_statement_id=uuid4(),
        voided_at=datetime.now(UTC),
    )  # fmt: skip
    assert deliver(voided) == Outcome.APPLIED
    assert verified(mentor) == {(str(learner), COURSE): False}
