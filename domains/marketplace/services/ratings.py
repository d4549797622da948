"""Members rate a space after their booking ended; owners reply.

The space's average is recomputed from its ratings under the space's row lock in the
rating's own transaction, so search never ranks by an average that misses a rating.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from domains.marketplace.domain.bookings import BookingStatus
from domains.marketplace.models import Booking, Space, SpaceRating
from domains.marketplace.services import ALIAS
from domains.marketplace.services.errors import NotAllowed, StateConflict, found


def space_rate(
    *, booking_id: UUID, member_id: UUID, score: int, comment: str = "", now: datetime
) -> SpaceRating:
    """Rate the space of one's own booking, once, after the booking ended."""
    with transaction.atomic(using=ALIAS):
        booking = found(Booking.objects.using(ALIAS), pk=booking_id)
        if booking.member_id != member_id:
            raise NotAllowed("Only the member who booked can rate this stay.")
        ended = booking.status in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
        if not ended or booking.ends_at > now:
            raise StateConflict("A space can be rated once a confirmed booking of it has ended.")
        space = found(Space.objects.using(ALIAS).select_for_update(), pk=booking.space_id)
        try:
            with transaction.atomic(using=ALIAS):
                rating = SpaceRating.objects.using(ALIAS).create(
                    space=space,
                    booking=booking,
                    member_id=member_id,
                    score=score,
                    comment=comment,
                    given_at=now,
                )
        except IntegrityError as exc:
            raise StateConflict("This booking already has a rating.") from exc
        totals = (
            SpaceRating.objects.using(ALIAS)
            .filter(space=space)
            .aggregate(average=Avg("score"), count=Count("id"))
        )
        space.rating_average = totals["average"]
        space.rating_count = totals["count"]
        space.save(using=ALIAS, update_fields=["rating_average", "rating_count"])
    return rating


def space_rating_reply(
    *, rating_id: UUID, owner_id: UUID, reply: str, now: datetime
) -> SpaceRating:
    """The space's owner answers a rating (a later reply replaces the earlier one)."""
    with transaction.atomic(using=ALIAS):
        rating = found(
            SpaceRating.objects.using(ALIAS).select_for_update().select_related("space"),
            pk=rating_id,
        )
        if rating.space.owner_id != owner_id:
            raise NotAllowed("Only the space's owner can reply.")
        rating.owner_reply = reply
        rating.replied_at = now
        rating.save(using=ALIAS, update_fields=["owner_reply", "replied_at"])
    return rating
