"""A proposal's lifecycle: draft → discussion → voting → decided / rejected / withdrawn."""

from enum import StrEnum


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    DISCUSSION = "discussion"
    VOTING = "voting"
    DECIDED = "decided"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


_NEXT: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.DISCUSSION, ProposalStatus.WITHDRAWN}),
    ProposalStatus.DISCUSSION: frozenset({ProposalStatus.VOTING, ProposalStatus.WITHDRAWN}),
    ProposalStatus.VOTING: frozenset({ProposalStatus.DECIDED, ProposalStatus.REJECTED}),
    ProposalStatus.DECIDED: frozenset(),
    ProposalStatus.REJECTED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}


def can_transition(current: ProposalStatus, target: ProposalStatus) -> bool:
    """Whether a proposal in ``current`` may move to ``target``; final states are final."""
    return target in _NEXT[current]
