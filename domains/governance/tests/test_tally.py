"""How votes become a decision (``domain.tally``), without a database: majority needs
more yes than no, consent stops at one objection, and too few voters decide nothing
whatever they chose."""

import pytest

from domains.governance.domain.tally import Method, Outcome, tally


@pytest.mark.parametrize(
    ("choices", "outcome"),
    [
        (["yes", "yes", "no"], Outcome.ADOPTED),
        (["yes", "no"], Outcome.REJECTED),  # a tie does not adopt
        (["yes", "no", "no"], Outcome.REJECTED),
        (["yes", "abstain", "abstain", "abstain"], Outcome.ADOPTED),  # abstentions do not count
        (["abstain", "abstain"], Outcome.REJECTED),
    ],
)
def test_majority_adopts_only_with_more_yes_than_no(choices, outcome):
    assert tally(method=Method.MAJORITY, quorum=1, choices=choices).outcome is outcome


@pytest.mark.parametrize(
    ("choices", "outcome"),
    [
        (["consent", "consent", "stand_aside"], Outcome.ADOPTED),
        (["consent"] * 9 + ["object"], Outcome.BLOCKED),  # one objection is enough
        (["stand_aside", "stand_aside"], Outcome.REJECTED),  # nobody consented
    ],
)
def test_consent_is_blocked_by_a_single_objection(choices, outcome):
    assert tally(method=Method.CONSENT, quorum=1, choices=choices).outcome is outcome


def test_without_quorum_nothing_is_decided_whatever_the_votes():
    result = tally(method=Method.MAJORITY, quorum=4, choices=["yes", "yes", "yes"])
    assert result.outcome is Outcome.NO_QUORUM
    assert not result.adopted
    assert tally(method=Method.CONSENT, quorum=3, choices=["object"]).outcome is Outcome.NO_QUORUM
    # Exactly the quorum is enough, and abstaining counts towards it.
    met = tally(method=Method.MAJORITY, quorum=3, choices=["yes", "abstain", "abstain"])
    assert met.adopted


def test_the_result_counts_every_choice_of_the_method_and_each_voter_once():
    result = tally(method=Method.CONSENT, quorum=1, choices=["consent", "consent", "object"])
    assert result.counts == {"consent": 2, "stand_aside": 0, "object": 1}
    assert result.voters == 3
    empty = tally(method=Method.MAJORITY, quorum=0, choices=[])
    assert empty.counts == {"yes": 0, "no": 0, "abstain": 0}
    assert empty.outcome is Outcome.REJECTED
