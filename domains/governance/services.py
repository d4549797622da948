"""Writes of governance data: every change is an event of the proposal's aggregate.

Each change is one governance transaction: the event appended, and the read models
and the decision register caught up with it, commit together or not at all (the event
store writes on Django's connection), so the caller sees the change at once and a
proposal that was created is never answered 404.

"Now" is ``common.clock.now()`` (tests and the demo set it).
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from eventsourcing.application import AggregateNotFoundError

from common import clock
from common.refusals import Forbidden, NotFound
from domains.governance.application import GovernanceApplication
from domains.governance.apps import ALIAS
from domains.governance.domain.proposal import Policy, Proposal, ProposalRefused
from domains.governance.eligibility import voting_refusal
from domains.governance.metrics import VOTES_CAST
from domains.governance.projections import ProposalsProjection, RegisterProjection
from eventing.eventstore import ConcurrencyConflict, get_application
from eventing.projections import projection_catch_up

#: A vote that meets a concurrent write is retried this many times on the new state.
VOTE_ATTEMPTS = 5

#: How proposals copied from the legacy system are decided (it knew neither).
IMPORTED_METHOD = "majority"
IMPORTED_QUORUM = 1


class ProposalNotFound(NotFound):
    pass


class NotAuthor(Forbidden):
    pass


class NotEligible(Forbidden):
    """The member may not vote (see ``eligibility.voting_refusal``)."""


def projections_catch_up() -> None:
    """Apply what the event store holds to the read models and the register (call it in
    the transaction that appended, so they commit together)."""
    projection_catch_up(projection=ProposalsProjection())
    projection_catch_up(projection=RegisterProjection())


def _load(proposal_id: UUID) -> Proposal:
    try:
        return get_application(GovernanceApplication).repository.get(proposal_id)
    except AggregateNotFoundError as exc:
        raise ProposalNotFound(f"No proposal {proposal_id}.") from exc


def _save(proposal: Proposal) -> Proposal:
    with transaction.atomic(using=ALIAS):
        get_application(GovernanceApplication).save(proposal)
        projections_catch_up()
    return proposal


def policy() -> Policy:
    """The configured floor (``GOVERNANCE_MIN_*``), enforced by the aggregate."""
    return Policy(
        min_quorum=settings.GOVERNANCE_MIN_QUORUM,
        min_discussion=timedelta(seconds=settings.GOVERNANCE_MIN_DISCUSSION_SECONDS),
        min_voting=timedelta(seconds=settings.GOVERNANCE_MIN_VOTING_SECONDS),
    )


def proposal_create(
    *, author_id: UUID, title: str, summary: str, method: str, quorum: int
) -> Proposal:
    return _save(
        Proposal.propose(
            author_id=author_id,
            title=title,
            summary=summary,
            method=method,
            quorum=quorum,
            now=clock.now(),
            policy=policy(),
        )
    )


def proposal_transition(
    *, proposal_id: UUID, actor_id: UUID, action: str, deadline: datetime | None = None
) -> Proposal:
    """``action``: "discuss", "vote" (with ``deadline``) or "withdraw"; the author's call."""
    proposal = _load(proposal_id)
    if str(proposal.author_id) != str(actor_id):
        raise NotAuthor("Only the proposal's author moves it along.")
    if action == "discuss":
        proposal.open_discussion(now=clock.now())
    elif action == "vote":
        if deadline is None:
            raise ProposalRefused("Opening the vote needs a deadline.", field="deadline")
        proposal.open_voting(deadline=deadline, now=clock.now(), policy=policy())
    elif action == "withdraw":
        proposal.withdraw(now=clock.now())
    else:
        raise ProposalRefused(f"Unknown action {action!r}.", field="action")
    return _save(proposal)


def proposal_comment(*, proposal_id: UUID, member_id: UUID, body: str) -> Proposal:
    proposal = _load(proposal_id)
    proposal.comment(member_id=member_id, body=body, now=clock.now())
    return _save(proposal)


def vote_cast(*, proposal_id: UUID, member_id: UUID, choice: str) -> Proposal:
    """Record (or change) the member's vote; raises ``ProposalRefused`` when refused.

    A concurrent write to the same proposal (another voter, or this member's other
    request) is retried on the new state: the member still holds one vote.
    """

    def cast(proposal: Proposal) -> None:
        # Checked once the proposal is known to exist: 404 before 403, as for any read.
        refusal = voting_refusal(member_id=member_id)
        if refusal:
            raise NotEligible(refusal)
        proposal.cast_vote(member_id=member_id, choice=choice, now=clock.now())

    proposal = _change_retrying(proposal_id, cast)
    VOTES_CAST.inc()
    return proposal


def _change_retrying(proposal_id: UUID, change) -> Proposal:
    """Load the proposal, ``change`` it and save it; on a concurrent write to the same
    proposal, start again from its new state (``VOTE_ATTEMPTS`` times at most)."""
    attempt = 1
    while True:
        proposal = _load(proposal_id)
        change(proposal)
        try:
            return _save(proposal)
        except ConcurrencyConflict:
            if attempt == VOTE_ATTEMPTS:
                raise
            attempt += 1


def proposal_close(*, proposal_id: UUID) -> Proposal:
    """Count the votes once the deadline has passed and record the decision."""
    proposal = _load(proposal_id)
    proposal.close(now=clock.now())
    return _save(proposal)


def proposal_import(
    *, proposal_id: UUID, author_id: UUID, title: str, summary: str,
    voting_deadline: datetime | None,
) -> Proposal:  # fmt: skip
    """Create a proposal copied from another system (the legacy system during the
    transition) under its id: a draft, or open for voting until ``voting_deadline``
    when one is given. That system had no quorum or method: any vote counts, by
    simple majority (``IMPORTED_METHOD``, ``IMPORTED_QUORUM``)."""
    proposal = Proposal.propose(
        author_id=author_id, title=title, summary=summary, method=IMPORTED_METHOD,
        quorum=IMPORTED_QUORUM, now=clock.now(), proposal_id=proposal_id,
    )  # fmt: skip
    if voting_deadline is not None:
        proposal.open_voting_as_recorded(deadline=voting_deadline, now=clock.now())
    return _save(proposal)


def proposal_open_imported(*, proposal_id: UUID, voting_deadline: datetime) -> Proposal:
    """A copied draft that the other system opened for voting."""
    proposal = _load(proposal_id)
    proposal.open_voting_as_recorded(deadline=voting_deadline, now=clock.now())
    return _save(proposal)


def vote_import(*, vote_id: UUID, proposal_id: UUID, member_id: UUID, choice: str) -> Proposal:
    """Record (or change) a vote copied from another system, under its id; retried on a
    concurrent write like ``vote_cast``. That system already judged the voter eligible."""
    return _change_retrying(
        proposal_id,
        lambda p: p.record_vote(
            vote_id=vote_id, member_id=member_id, choice=choice, now=clock.now()
        ),
    )
