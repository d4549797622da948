"""The ledger's rules, without a database: who may rate, how often, on which scale."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domains.reputation.domain.ledger import DuplicateRating, MemberLedger, RatingRefused

GIVEN_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def give(ledger: MemberLedger, **overrides) -> None:
    rating = {
        "rater_id": uuid4(), "context_type": "booking", "context_id": "123", "score": 4,
        "comment": "", "given_at": GIVEN_AT,
    }  # fmt: skip
    ledger.give_rating(**{**rating, **overrides})


def test_a_members_ledger_is_found_from_the_member_id_alone():
    member = uuid4()
    assert MemberLedger(member_id=member).id == MemberLedger.create_id(member)
    assert MemberLedger.create_id(member) != MemberLedger.create_id(uuid4())


def test_nobody_rates_themselves():
    member = uuid4()
    ledger = MemberLedger(member_id=member)
    with pytest.raises(RatingRefused, match="themselves") as refused:
        give(ledger, rater_id=member)
    assert refused.value.field == "ratee_id"
    assert ledger.received == {}


def test_one_rating_per_rater_and_context():
    ledger, rater = MemberLedger(member_id=uuid4()), uuid4()
    give(ledger, rater_id=rater)
    give(ledger, rater_id=rater, context_id="124")
    give(ledger, rater_id=rater, context_type="session")
    with pytest.raises(DuplicateRating):
        give(ledger, rater_id=rater, score=5)
    assert len(ledger.received) == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": True}, "score"),
        ({"context_type": ""}, "context_type"),
        ({"context_type": "x" * 41}, "context_type"),
        ({"context_id": "x" * 101}, "context_id"),
    ],
)
def test_out_of_range_ratings_are_refused_naming_the_field(overrides, field):
    ledger = MemberLedger(member_id=uuid4())
    with pytest.raises(RatingRefused) as refused:
        give(ledger, **overrides)
    assert refused.value.field == field
    assert len(ledger.collect_events()) == 1  # only the ledger's opening


def test_a_version_1_rating_is_read_with_its_context_in_two_parts():
    state = {"context": "booking:123:b", "score": 4}
    MemberLedger.RatingGiven.upcast_v1_v2(state)
    assert state == {"context_type": "booking", "context_id": "123:b", "score": 4}
