"""The governance event store: proposals with their votes and decisions.

Proposals with many voters grow long, so a snapshot is taken every
``SNAPSHOT_INTERVAL`` events. Status changes and decisions are announced to other
domains (``contracts.governance.v1``) through the event relay.
"""

from typing import Any

from contracts.events import Event
from contracts.governance.v1 import DecisionRecorded, ProposalStatusChanged
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.domain.proposal import Proposal
from eventing.eventstore import DomainApplication

SNAPSHOT_INTERVAL = 100


class GovernanceApplication(DomainApplication):
    database_alias = "governance"
    snapshotting_intervals = {Proposal: SNAPSHOT_INTERVAL}

    def to_published(self, domain_event: Any) -> Event | None:
        if isinstance(domain_event, Proposal.Decided):
            return DecisionRecorded(
                proposal_id=domain_event.originator_id,
                outcome=domain_event.outcome,
                method=domain_event.method,
                decided_at=domain_event.at,
            )
        if isinstance(domain_event, Proposal.StatusChanged):
            status, at = domain_event.status, domain_event.at
        elif isinstance(domain_event, Proposal.VotingOpened):
            status, at = ProposalStatus.VOTING.value, domain_event.at
        elif isinstance(domain_event, Proposal.Created):
            status, at = ProposalStatus.DRAFT.value, domain_event.created_at
        else:
            return None
        return ProposalStatusChanged(
            proposal_id=domain_event.originator_id, status=status, changed_at=at
        )
