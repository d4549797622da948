"""Events governance subscribes to (consumer group ``governance``).

Each handler runs inside the group's inbox transaction: its effect and the record
that the event was applied commit together, so a redelivery has no second effect.
"""

from contracts.envelope import Envelope
from contracts.identity.v1 import MemberRegistered
from domains.governance.models import Member
from eventing.handlers import handles


@handles(MemberRegistered, group="governance", batch=True)
def members_registered(items: list[tuple[MemberRegistered, Envelope]]) -> None:
    # A plain insert, not an upsert: a second apply would be a bug and must fail loudly.
    Member.objects.bulk_create(
        Member(member_id=e.member_id, display_name=e.display_name, joined_at=e.joined_at)
        for e, _ in items
    )
