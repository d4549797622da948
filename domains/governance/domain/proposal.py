"""A proposal as an event-sourced aggregate: its lifecycle, comments and votes.

Why the votes live in the proposal: "one member, one vote, changeable until the
deadline" is a rule about one proposal's votes, so checking it against one aggregate
written with optimistic concurrency keeps it true under concurrent voters. Two
simultaneous votes by one member both read version *n*; the database's key on
(aggregate, version) lets one of them in, the other is retried on the new state and
becomes a change of that member's one vote.

Every event here is kept for good; ``VoteCast`` and ``Decided`` are also the
entries of the decision register (``register.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from common.refusals import Invalid
from domains.governance.domain.lifecycle import ProposalStatus, can_transition
from domains.governance.domain.tally import CHOICES, Method, tally

TITLE_MAX_LENGTH = 200


class ProposalRefused(Invalid):
    """What was asked breaks a rule; ``field`` names the input at fault, if any."""


class NotAllowedNow(ProposalRefused):
    """Right request, wrong moment: the proposal's status or its deadline forbids it."""

    kind = "conflict"


@dataclass(frozen=True)
class Policy:
    """The community's floor under every proposal: at least ``min_quorum`` voters, at
    least ``min_discussion`` between opening the discussion and the vote, and a vote
    open at least ``min_voting``. (A single member adopting a proposal in five seconds
    is what it prevents.) The default floor is none: callers pass the configured one."""

    min_quorum: int = 1
    min_discussion: timedelta = timedelta(0)
    min_voting: timedelta = timedelta(0)


class Proposal(Aggregate):
    @event("Created")
    def __init__(
        self,
        author_id: UUID,
        title: str,
        summary: str,
        method: str,
        quorum: int,
        created_at: datetime,
        id: UUID | None = None,
    ) -> None:
        self.author_id = author_id
        self.title = title
        self.summary = summary
        self.method = method
        self.quorum = quorum
        self.created_at = created_at
        self.status = ProposalStatus.DRAFT.value
        self.voting_deadline: datetime | None = None
        #: Each member's current choice, by member id (str: a snapshot is JSON).
        self.votes: dict[str, str] = {}
        self.outcome = ""
        #: When the discussion opened (the floor before a vote may open).
        self.discussion_opened_at: datetime | None = None

    @classmethod
    def propose(
        cls,
        *,
        author_id: UUID,
        title: str,
        summary: str,
        method: str,
        quorum: int,
        now: datetime,
        proposal_id: UUID | None = None,
        policy: Policy = Policy(),
    ) -> Proposal:
        """A new draft; ``proposal_id`` is given when it was copied from another system
        that named it (the legacy system during the transition)."""
        if not 0 < len(title) <= TITLE_MAX_LENGTH:
            raise ProposalRefused(
                f"A title needs 1 to {TITLE_MAX_LENGTH} characters.", field="title"
            )
        if method not in Method.__members__.values():
            raise ProposalRefused(f"Unknown decision method {method!r}.", field="method")
        if quorum < max(1, policy.min_quorum):
            raise ProposalRefused(
                f"The quorum is at least {max(1, policy.min_quorum)} votes.", field="quorum"
            )
        return cls(
            author_id=author_id,
            title=title,
            summary=summary,
            method=method,
            quorum=quorum,
            created_at=now,
            id=proposal_id,
        )

    def _move(self, target: ProposalStatus) -> None:
        if not can_transition(ProposalStatus(self.status), target):
            raise NotAllowedNow(f"A {self.status} proposal cannot move to {target}.")

    def open_discussion(self, *, now: datetime) -> None:
        self._move(ProposalStatus.DISCUSSION)
        self._status_changed(status=ProposalStatus.DISCUSSION.value, at=now)

    def withdraw(self, *, now: datetime) -> None:
        self._move(ProposalStatus.WITHDRAWN)
        self._status_changed(status=ProposalStatus.WITHDRAWN.value, at=now)

    def open_voting(self, *, deadline: datetime, now: datetime, policy: Policy = Policy()) -> None:
        self._move(ProposalStatus.VOTING)
        if deadline <= now:
            raise ProposalRefused("The voting deadline must be in the future.", field="deadline")
        if deadline - now < policy.min_voting:
            raise ProposalRefused(
                f"The vote stays open at least {policy.min_voting}.", field="deadline"
            )
        opened = getattr(self, "discussion_opened_at", None)  # None: a snapshot from before
        if opened is not None and now - opened < policy.min_discussion:
            raise NotAllowedNow(
                f"The discussion runs at least {policy.min_discussion} before the vote; "
                f"it opened at {opened.isoformat()}."
            )
        self._voting_opened(deadline=deadline, at=now)

    def open_voting_as_recorded(self, *, deadline: datetime, now: datetime) -> None:
        """Take over a vote another system opened (the legacy system during the
        transition): through discussion to voting, with the deadline it set even if it
        has passed (the votes it took are copied next; closing counts them)."""
        if self.status == ProposalStatus.DRAFT:
            self.open_discussion(now=now)
        self._move(ProposalStatus.VOTING)
        self._voting_opened(deadline=deadline, at=now)

    def comment(self, *, member_id: UUID, body: str, now: datetime) -> None:
        if self.status not in (ProposalStatus.DISCUSSION, ProposalStatus.VOTING):
            raise NotAllowedNow(f"A {self.status} proposal takes no comments.")
        if not body.strip():
            raise ProposalRefused("A comment needs some text.", field="body")
        self._commented(member_id=member_id, body=body, at=now)

    def cast_vote(self, *, member_id: UUID, choice: str, now: datetime) -> None:
        if self.status != ProposalStatus.VOTING:
            raise NotAllowedNow(f"A {self.status} proposal takes no votes.")
        if now >= self.voting_deadline:
            raise NotAllowedNow("Voting closed at the deadline; this vote was not counted.")
        if choice not in CHOICES[Method(self.method)]:
            allowed = ", ".join(CHOICES[Method(self.method)])
            raise ProposalRefused(f"Choose one of: {allowed}.", field="choice")
        self._vote_cast(member_id=member_id, choice=choice, at=now)

    def record_vote(self, *, vote_id: UUID, member_id: UUID, choice: str, now: datetime) -> None:
        """Take over a vote another system took (the legacy system during the
        transition) while voting is open here, past its deadline or not: that system
        accepted it. Still one vote per member, one of the method's choices."""
        if self.status != ProposalStatus.VOTING:
            raise NotAllowedNow(f"A {self.status} proposal takes no votes.")
        if choice not in CHOICES[Method(self.method)]:
            allowed = ", ".join(CHOICES[Method(self.method)])
            raise ProposalRefused(f"Choose one of: {allowed}.", field="choice")
        self._vote_recorded(vote_id=vote_id, member_id=member_id, choice=choice, at=now)

    def close(self, *, now: datetime) -> None:
        if self.status != ProposalStatus.VOTING:
            raise NotAllowedNow(f"A {self.status} proposal is not being voted on.")
        if now < self.voting_deadline:
            raise NotAllowedNow("Voting is open until the deadline; votes may still change.")
        result = tally(
            method=Method(self.method), quorum=self.quorum, choices=list(self.votes.values())
        )
        status = ProposalStatus.DECIDED if result.adopted else ProposalStatus.REJECTED
        self._decided(
            status=status.value,
            title=self.title,
            method=self.method,
            outcome=result.outcome.value,
            counts=result.counts,
            voters=result.voters,
            at=now,
        )

    @event("StatusChanged")
    def _status_changed(self, status: str, at: datetime) -> None:
        self.status = status
        if status == ProposalStatus.DISCUSSION.value:
            self.discussion_opened_at = at

    @event("VotingOpened")
    def _voting_opened(self, deadline: datetime, at: datetime) -> None:
        self.status = ProposalStatus.VOTING.value
        self.voting_deadline = deadline

    @event("Commented")
    def _commented(self, member_id: UUID, body: str, at: datetime) -> None:
        pass

    @event("VoteCast")
    def _vote_cast(self, member_id: UUID, choice: str, at: datetime) -> None:
        self.votes[str(member_id)] = choice

    class VoteRecorded(Aggregate.Event):
        """A vote copied from another system, under the id it has there; it counts as a
        ``VoteCast`` everywhere votes are read (``VOTE_EVENTS``)."""

        vote_id: UUID
        member_id: UUID
        choice: str
        at: datetime

    @event(VoteRecorded)
    def _vote_recorded(self, vote_id: UUID, member_id: UUID, choice: str, at: datetime) -> None:
        self.votes[str(member_id)] = choice

    @event("Decided")
    def _decided(
        self,
        status: str,
        title: str,
        method: str,
        outcome: str,
        counts: dict[str, int],
        voters: int,
        at: datetime,
    ) -> None:
        self.status = status
        self.outcome = outcome


#: The events that record a member's vote: the tally, the read model and the decision
#: register read both alike.
VOTE_EVENTS = (Proposal.VoteCast, Proposal.VoteRecorded)
