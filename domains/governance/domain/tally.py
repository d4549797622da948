"""How votes become a decision: simple majority, or consent with a blocking objection.

Counted once, when voting closes, from each member's last vote. Quorum is the number
of members who must have voted (any choice) for the result to stand; without it the
proposal is rejected whatever the votes say.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum


class Method(StrEnum):
    MAJORITY = "majority"
    CONSENT = "consent"


#: The choices each method accepts.
CHOICES: dict[Method, tuple[str, ...]] = {
    Method.MAJORITY: ("yes", "no", "abstain"),
    #: "object" is a blocking objection: one is enough to stop the proposal.
    Method.CONSENT: ("consent", "stand_aside", "object"),
}


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    counts: dict[str, int]
    voters: int

    @property
    def adopted(self) -> bool:
        return self.outcome is Outcome.ADOPTED


def tally(*, method: Method, quorum: int, choices: list[str]) -> Result:
    """The decision for the members' final ``choices`` (one per member)."""
    counted = Counter(choices)
    counts = {choice: counted.get(choice, 0) for choice in CHOICES[method]}
    voters = len(choices)
    if voters < quorum:
        outcome = Outcome.NO_QUORUM
    elif method is Method.MAJORITY:
        outcome = Outcome.ADOPTED if counts["yes"] > counts["no"] else Outcome.REJECTED
    elif counts["object"]:
        outcome = Outcome.BLOCKED
    else:
        outcome = Outcome.ADOPTED if counts["consent"] else Outcome.REJECTED
    return Result(outcome=outcome, counts=counts, voters=voters)
