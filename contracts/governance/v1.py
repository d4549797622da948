"""Governance's published events, version 1."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class ProposalStatusChanged(Event):
    """A proposal moved to another status (e.g. from draft to voting)."""

    TYPE = "governance.proposal_status_changed"
    VERSION = 1

    proposal_id: UUID
    status: str
    changed_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class DecisionRecorded(Event):
    """A decision on a proposal entered the append-only decision register."""

    TYPE = "governance.decision_recorded"
    VERSION = 1

    proposal_id: UUID
    outcome: str
    method: str
    decided_at: datetime
