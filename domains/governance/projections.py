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
    name = "governance.proposals"
    application_class = GovernanceApplication
    read_models = (Proposal, Vote, Comment)

    def apply(self, domain_event: Any) -> None:
        proposals = self.model(Proposal).objects.using(self.alias)
        proposal_id = domain_event.originator_id
        if isinstance(domain_event, P.Created):
            proposals.create(
                id=proposal_id,
                author_id=domain_event.author_id,
                title=domain_event.title,
                summary=domain_event.summary,
                method=domain_event.method,
                quorum=domain_event.quorum,
                status=ProposalStatus.DRAFT.value,
                created_at=domain_event.created_at,
                updated_at=domain_event.created_at,
            )
        elif isinstance(domain_event, P.StatusChanged):
            proposals.filter(id=proposal_id).update(
                status=domain_event.status, updated_at=domain_event.at
            )
        elif isinstance(domain_event, P.VotingOpened):
            proposals.filter(id=proposal_id).update(
                status=ProposalStatus.VOTING.value,
                voting_deadline=domain_event.deadline,
                updated_at=domain_event.at,
            )
        elif isinstance(domain_event, P.Commented):
            self.model(Comment).objects.using(self.alias).create(
                proposal_id=proposal_id,
                member_id=domain_event.member_id,
                body=domain_event.body,
                posted_at=domain_event.at,
            )
        elif isinstance(domain_event, VOTE_EVENTS):
            votes = self.model(Vote).objects.using(self.alias)
            changed = votes.filter(proposal_id=proposal_id, member_id=domain_event.member_id)
            vote = changed.first()
            imported = {"imported_id": getattr(domain_event, "vote_id", None)}
            if vote is None:
                votes.create(
                    proposal_id=proposal_id,
                    member_id=domain_event.member_id,
                    choice=domain_event.choice,
                    cast_at=domain_event.at,
                    **imported,
                )
            else:
                changed.update(
                    choice=domain_event.choice,
                    cast_at=domain_event.at,
                    casts=vote.casts + 1,
                    **(imported if imported["imported_id"] else {}),
                )
        elif isinstance(domain_event, P.Decided):
            proposals.filter(id=proposal_id).update(
                status=domain_event.status,
                outcome=domain_event.outcome,
                counts=dict(domain_event.counts),
                voters=domain_event.voters,
                decided_at=domain_event.at,
                updated_at=domain_event.at,
            )


class RegisterProjection(Projection):
    name = "governance.register"
    application_class = GovernanceApplication
    read_models = (RegisterEntry, RegisterNode)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.appender = Appender(entries=self.model(RegisterEntry), nodes=self.model(RegisterNode))

    def apply(self, domain_event: Any) -> None:
        leaf = leaf_for(domain_event)
        if leaf is not None:
            self.appender.append(leaf)
