"""The ratings projection applies a batch in bulk writes (one insert, one update, the
batch's assessment in a few queries) with the same result as applying the same events
one at a time: the same rows and the same fraud decisions, reasons included."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.models import FraudDecision, Member, Rating
from domains.reputation.projections import RatingsProjection
from eventing.projections import projection_catch_up, projection_rebuild

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Store:
    """Records ratings in the members' ledgers, one event per save, in call order."""

    def __init__(self, app) -> None:
        self.app, self.ledgers = app, {}

    def _ledger(self, member):
        if member not in self.ledgers:
            self.ledgers[member] = MemberLedger(member_id=member)
        return self.ledgers[member]

    def give(self, rater, ratee, score, at):
        ledger = self._ledger(ratee)
        ledger.give_rating(rater_id=rater, context_type="session", context_id=uuid4().hex,
                           score=score, comment="", given_at=at)  # fmt: skip
        recorded = self.app.save(ledger)[-1].domain_event
        return recorded.rating_id

    def edit(self, rating_id, rater, ratee, score, at):
        ledger = self._ledger(ratee)
        ledger.edit_rating(rating_id=rating_id, rater_id=rater, score=score, comment="edited",
                           edited_at=at)  # fmt: skip
        self.app.save(ledger)


def record_every_rule(app) -> None:
    """A burst, a reciprocal pair, a ring closed by an edit, a new account's rating,
    and a burst whose last rating comes after a rating assessed in the same batch."""
    store = Store(app)
    a, b, c, d, e, burster, newcomer = (uuid4() for _ in range(7))
    Member.objects.using("reputation").create(member_id=newcomer, joined_at=T0)
    for n in range(6):  # six ratings in ten minutes: a burst
        store.give(burster, uuid4(), 3, T0 + timedelta(minutes=n))
    store.give(a, b, 5, T0 + timedelta(hours=1))
    store.give(b, a, 4, T0 + timedelta(hours=2))  # reciprocal
    store.give(c, d, 5, T0 + timedelta(hours=3))
    store.give(d, e, 5, T0 + timedelta(hours=4))
    closing = store.give(e, c, 2, T0 + timedelta(hours=5))
    store.edit(closing, e, c, 5, T0 + timedelta(hours=5, minutes=5))  # closes a ring
    store.give(newcomer, a, 3, T0 + timedelta(hours=6))  # the account is six hours old
    high_then_low = store.give(uuid4(), e, 5, T0 + timedelta(hours=7))
    store.edit(high_then_low, *_rater_of(store, e, high_then_low), e, 1, T0 + timedelta(hours=7))


def _rater_of(store, ratee, rating_id):
    return [store.ledgers[ratee].given[str(rating_id)][0]]


def outcome() -> tuple[set, set]:
    rows = set(
        Rating.objects.using("reputation").values_list(
            "id", "rater_id", "ratee_id", "score", "comment", "given_at", "ledger_version"
        )
    )
    decisions = set(
        FraudDecision.objects.using("reputation").values_list(
            "rating_id", "rule", "reason", "factor", "rating_given_at"
        )
    )
    return rows, decisions


@pytest.mark.django_db(databases=["reputation"], transaction=True)
def test_a_batch_in_bulk_gives_what_one_event_at_a_time_gives(ledger_app):
    record_every_rule(ledger_app)
    projection_catch_up(projection=RatingsProjection(), limit=1)
    one_by_one = outcome()
    rules = {rule for _, rule, *_ in one_by_one[1]}
    assert rules == {"burst", "reciprocal", "ring", "new_account"}

    FraudDecision.objects.using("reputation").all().delete()
    with CaptureQueriesContext(connections["reputation"]) as queries:
        done = projection_rebuild(projection_class=RatingsProjection, batch_size=500)
    assert done.applied == ledger_app.recorder.max_notification_id()
    assert outcome() == one_by_one
    # One batch: one insert of its ratings (the edits folded in), one of decisions.
    writes = [q["sql"].split(" (")[0] for q in queries.captured_queries]
    assert writes.count('INSERT INTO "reputation_rating__rebuild"') == 1
    assert not [w for w in writes if w.startswith('UPDATE "reputation_rating__rebuild"')]
    assert writes.count('INSERT INTO "reputation_frauddecision"') == 1
