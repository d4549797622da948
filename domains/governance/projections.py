"""Read models projected from the proposals' event store.

``ProposalsProjection`` keeps ``Proposal``, ``Vote`` and ``Comment``; it is declared on
the app, so ``run_projections`` follows it and ``rebuild_projection`` rebuilds it.
``RegisterProjection`` appends the decision register; it is not declared (a rebuild
swaps tables, which would shed the register's append-only triggers): services and
``manage.py governance_register sync`` move it forward, ``verify`` checks it.
"""

from typing import Any

from domains.governance.application import GovernanceApplication
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.domain.proposal import VOTE_EVENTS
from domains.governance.domain.proposal import Proposal as P
from domains.governance.models import Comment, Proposal, RegisterEntry, RegisterNode, Vote
from domains.governance.register import Appender, leaf_for
from eventing.projections import Projection


class ProposalsProjection(Projection):
    """A batch of events in bulk: the proposals, votes and comments it creates in one
    insert each, the ones it changes (loaded in one query each) in one update each."""

    name = "governance.proposals"
    application_class = GovernanceApplication
    read_models = (Proposal, Vote, Comment)

    def apply_batch(self, domain_events: list[Any]) -> None:
        rows = _Rows(self.model(Proposal), self.model(Vote), self.alias, domain_events)
        comments = []
        for event in domain_events:
            proposal_id = event.originator_id
            if isinstance(event, P.Created):
                rows.proposal_created(
                    id=proposal_id,
                    author_id=event.author_id,
                    title=event.title,
                    summary=event.summary,
                    method=event.method,
                    quorum=event.quorum,
                    status=ProposalStatus.DRAFT.value,
                    created_at=event.created_at,
                    updated_at=event.created_at,
                )
            elif isinstance(event, P.StatusChanged):
                rows.proposal_changed(proposal_id, status=event.status, updated_at=event.at)
            elif isinstance(event, P.VotingOpened):
                rows.proposal_changed(
                    proposal_id,
                    status=ProposalStatus.VOTING.value,
                    voting_deadline=event.deadline,
                    updated_at=event.at,
                )
            elif isinstance(event, P.Commented):
                comments.append(
                    self.model(Comment)(
                        proposal_id=proposal_id,
                        member_id=event.member_id,
                        body=event.body,
                        posted_at=event.at,
                    )
                )
            elif isinstance(event, VOTE_EVENTS):
                rows.vote_cast(proposal_id, event)
            elif isinstance(event, P.Decided):
                rows.proposal_changed(
                    proposal_id,
                    status=event.status,
                    outcome=event.outcome,
                    counts=dict(event.counts),
                    voters=event.voters,
                    decided_at=event.at,
                    updated_at=event.at,
                )
        rows.save()
        self.model(Comment).objects.using(self.alias).bulk_create(comments)


class _Rows:
    """The proposals and votes a batch touches: those it creates, and the existing ones
    it changes (read once), with the fields each change set."""

    def __init__(self, proposals, votes, alias: str, domain_events: list[Any]) -> None:
        self.proposals, self.votes, self.alias = proposals, votes, alias
        touched = {e.originator_id for e in domain_events if not isinstance(e, P.Created)}
        voters = {e.member_id for e in domain_events if isinstance(e, VOTE_EVENTS)}
        self.proposal = {
            p.id: p for p in proposals.objects.using(alias).filter(id__in=touched)
        } if touched else {}  # fmt: skip
        cast = votes.objects.using(alias).filter(proposal_id__in=touched, member_id__in=voters)
        self.vote = {(v.proposal_id, v.member_id): v for v in cast} if voters else {}
        self.new: set = set()
        self.changed: dict[type, dict[Any, set[str]]] = {proposals: {}, votes: {}}

    def proposal_created(self, **fields) -> None:
        self.proposal[fields["id"]] = self.proposals(**fields)
        self.new.add(self.proposal[fields["id"]].pk)

    def proposal_changed(self, proposal_id, **fields) -> None:
        row = self.proposal.get(proposal_id)
        if row is None:  # not projected: nothing to change, as an UPDATE of no row
            return
        for name, value in fields.items():
            setattr(row, name, value)
        self.changed[self.proposals].setdefault(proposal_id, set()).update(fields)

    def vote_cast(self, proposal_id, event) -> None:
        key = (proposal_id, event.member_id)
        imported = getattr(event, "vote_id", None)
        vote = self.vote.get(key)
        if vote is None:
            self.vote[key] = self.votes(
                proposal_id=proposal_id, member_id=event.member_id, choice=event.choice,
                cast_at=event.at, imported_id=imported,
            )  # fmt: skip
            self.new.add(key)
            return
        vote.choice, vote.cast_at, vote.casts = event.choice, event.at, vote.casts + 1
        fields = {"choice", "cast_at", "casts"}
        if imported:
            vote.imported_id = imported
            fields.add("imported_id")
        self.changed[self.votes].setdefault(key, set()).update(fields)

    def save(self) -> None:
        for model, rows in ((self.proposals, self.proposal), (self.votes, self.vote)):
            objects = model.objects.using(self.alias)
            objects.bulk_create([row for key, row in rows.items() if key in self.new])
            old = {k: f for k, f in self.changed[model].items() if k not in self.new}
            if old:
                fields = sorted(set().union(*old.values()))
                objects.bulk_update([rows[k] for k in old], fields)


class RegisterProjection(Projection):
    name = "governance.register"
    application_class = GovernanceApplication
    read_models = (RegisterEntry, RegisterNode)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.appender = Appender(entries=self.model(RegisterEntry), nodes=self.model(RegisterNode))

    def apply_batch(self, domain_events: list[Any]) -> None:
        """The batch's votes and decisions appended in one statement (``Appender``)."""
        leaves = [leaf for leaf in map(leaf_for, domain_events) if leaf is not None]
        self.appender.append_batch(leaves)
