"""Events reputation subscribes to (consumer group ``reputation``).

- ``identity.member_registered``: when each member joined, so ratings from accounts
  created minutes before are discounted (``fraud.py``).
- ``marketplace.booking_completed``: bookings that took place, so a rating given in a
  booking's context can be shown as attached to a real, completed booking.
- ``learning.statement_recorded`` / ``learning.statement_voided``: activities members
  completed or passed (by their member account), so a rating given in an activity's
  context (a learner rating the mentor of a course) can be shown as coming from someone
  who took it, with the statement and its authority; a voided statement withdraws that.
  Only statements from an authority trusted for them count (the rule passport shares).

Each handler runs inside the group's inbox transaction; writes are idempotent upserts
because identity publishes ``member_registered`` in two versions over time.
"""

from uuid import UUID

from django.conf import settings

from contracts.envelope import Envelope
from contracts.identity.v1 import MemberRegistered
from contracts.learning.v1 import (
    StatementRecorded,
    StatementVoided,
    TrustRule,
    evidence_distrust,
    member_account_id,
)
from contracts.marketplace.v1 import BookingCompleted
from domains.reputation.models import CompletedActivity, CompletedBooking, Member
from eventing.handlers import handles

#: ADL verbs that say an activity was finished (besides ``result.completion``/``success``).
FINISHING_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/mastered",
}


@handles(MemberRegistered, group="reputation")
def member_registered(event: MemberRegistered, envelope: Envelope) -> None:
    Member.objects.using("reputation").update_or_create(
        member_id=event.member_id, defaults={"joined_at": event.joined_at}
    )


@handles(BookingCompleted, group="reputation")
def booking_completed(event: BookingCompleted, envelope: Envelope) -> None:
    CompletedBooking.objects.using("reputation").get_or_create(
        booking_id=event.booking_id,
        defaults={
            "space_id": event.space_id,
            "member_id": event.member_id,
            "ended_at": event.ends_at,
        },
    )


def _member(actor_ifi: str) -> UUID | None:
    return member_account_id(actor_ifi, home_page=settings.REPUTATION_MEMBER_ACCOUNT_HOMEPAGE)


def _trusted(event: StatementRecorded) -> bool:
    """The shared rule of whose word counts (``EVIDENCE_TRUSTED_AUTHORITIES``)."""
    rules = tuple(TrustRule.parse(r) for r in settings.EVIDENCE_TRUSTED_AUTHORITIES)
    home_page = settings.LRS_AUTHORITY_HOMEPAGE
    return not evidence_distrust(event, authority_home_page=home_page, rules=rules)


def _finished(event: StatementRecorded) -> bool:
    return (
        _trusted(event)
        and event.object_type == "Activity"
        and bool(
            event.verb_id in FINISHING_VERBS or event.result_completion or event.result_success
        )
    )


@handles(StatementRecorded, group="reputation", batch=True)
def statements_recorded(items: list[tuple[StatementRecorded, Envelope]]) -> None:
    # A redelivered statement is the same statement: its row exists already.
    CompletedActivity.objects.using("reputation").bulk_create(
        (
            CompletedActivity(
                statement_id=event.statement_id,
                member_id=member,
                activity_id=event.object_id,
                completed_at=event.timestamp,
                authority_ifi=event.authority_ifi or "",
            )
            for event, _ in items
            if _finished(event) and (member := _member(event.actor_ifi)) is not None
        ),
        ignore_conflicts=True,
    )


@handles(StatementVoided, group="reputation")
def statement_voided(event: StatementVoided, envelope: Envelope) -> None:
    CompletedActivity.objects.using("reputation").filter(statement_id=event.statement_id).delete()
