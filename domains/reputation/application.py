"""The reputation event store: members' ratings ledgers, in the reputation database.

Ledgers of popular members grow long, so a snapshot is taken every
``SNAPSHOT_INTERVAL`` events and a ledger is read from its latest snapshot plus the
events after it. Ratings are announced to other domains as
``contracts.reputation.v1.RatingRecorded`` through the event relay.
"""

from typing import Any

from contracts.events import Event
from contracts.reputation.v1 import RatingRecorded
from domains.reputation.domain.ledger import MemberLedger
from eventing.eventstore import DomainApplication

SNAPSHOT_INTERVAL = 50


class ReputationApplication(DomainApplication):
    database_alias = "reputation"
    snapshotting_intervals = {MemberLedger: SNAPSHOT_INTERVAL}

    def to_published(self, domain_event: Any) -> Event | None:
        if not isinstance(domain_event, MemberLedger.RatingGiven):
            return None
        return RatingRecorded(
            rating_id=domain_event.rating_id,
            rater_id=domain_event.rater_id,
            ratee_id=domain_event.ratee_id,
            context_type=domain_event.context_type,
            context_id=domain_event.context_id,
            score=domain_event.score,
            given_at=domain_event.given_at,
        )
