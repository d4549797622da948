"""Events reputation subscribes to (consumer group ``reputation``).

- ``identity.member_registered``: when each member joined, so ratings from accounts
  created minutes before are discounted (``fraud.py``).
- ``marketplace.booking_completed``: bookings that took place, so a rating given in a
  booking's context can be shown as attached to a real, completed booking.

Each handler runs inside the group's inbox transaction; writes are idempotent upserts
because identity publishes ``member_registered`` in two versions over time.
"""

from contracts.envelope import Envelope
from contracts.identity.v1 import MemberRegistered
from contracts.marketplace.v1 import BookingCompleted
from domains.reputation.models import CompletedBooking, Member
from eventing.handlers import handles


@handles(MemberRegistered, group="reputation")
def member_registered(event: MemberRegistered, envelope: Envelope) -> None:
    Member.objects.using("reputation").update_or_create(
        member_id=event.member_id, defaults={"joined_at": event.joined_at}
    )


@handles(BookingCompleted, group="reputation")
def booking_completed(event: BookingCompleted, envelope: Envelope) -> None:
    CompletedBooking.objects.using("reputation").get_or_create(
        booking_id=event.booking_id,
        defaults={
            "space_id": event.space_id,
            "member_id": event.member_id,
            "ended_at": event.ends_at,
        },
    )
