"""Events governance subscribes to (consumer group ``governance``).

Each handler runs inside the group's inbox transaction: its effect and the record
that the event was applied commit together, so a redelivery has no second effect.
"""

from contracts.envelope import Envelope
from contracts.identity.v1 import MemberRegistered
from domains.governance.models import Member
from eventing.handlers import handles


@handles(MemberRegistered, group="governance")
def member_registered(event: MemberRegistered, envelope: Envelope) -> None:
    # create(), not an upsert: a second apply would be a bug, and must fail loudly.
    Member.objects.create(
        member_id=event.member_id, display_name=event.display_name, joined_at=event.joined_at
    )
