"""Demo spaces for ``make run``: bookable, unverified and lapsed ones, with bookings.

- "Riverside study room" (Lyon): verified insurance, bookable; a confirmed booking
  tomorrow, a past stay of Ana's that she rated and Chidi answered.
- "Online pairing room": verified, bookable, two seats.
- "Maker lab": its safety certificate lapsed yesterday, so it is unlisted (absent from
  lists and search, no free slots) until a renewed certificate is verified.
- "Garden classroom": draft, its certificate waiting for a moderator.

Loading twice adds nothing: every row is found by a fixed name or id first.
"""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid5

from django.db import transaction
from django.utils import timezone

from common.demo_ids import demo_member_id
from domains.marketplace.apps import ALIAS
from domains.marketplace.domain.bookings import BookingStatus
from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Booking, Space, SpaceCredential, SpaceRating
from domains.marketplace.services.spaces import spaces_unlist_lapsed

DEMO = UUID("0b7f6f50-3c4e-4d39-9a43-7c1d5b2e8a10")
WEEKDAYS_9_TO_19 = {d: [["09:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY_8_TO_22 = {
    d: [["08:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
SPACES = [
    # name, description, online, location, capacity, seats, accessibility, hours, tz, status,
    # credential (kind, days until expiry, status)
    ("Riverside study room", "Quiet room by the river.", False, "Lyon, FR", 8, 1,
     ["step_free_access", "quiet_room"], EVERY_DAY_8_TO_22, "Europe/Paris", SpaceStatus.LISTED,
     ("insurance", 300, CredentialStatus.VERIFIED)),
    ("Online pairing room", "Video room for pair programming.", True, "", 4, 2, [],
     EVERY_DAY_8_TO_22, "UTC", SpaceStatus.LISTED,
     ("insurance", 200, CredentialStatus.VERIFIED)),
    ("Maker lab", "Workshop with tools; its safety certificate lapsed.", False, "Porto, PT",
     12, 1, ["accessible_toilet"], WEEKDAYS_9_TO_19, "Europe/Lisbon", SpaceStatus.LISTED,
     ("safety_certificate", -1, CredentialStatus.VERIFIED)),
    ("Garden classroom", "Outdoor benches; waiting for its certificate check.", False,
     "Lisbon, PT", 20, 1, [], WEEKDAYS_9_TO_19, "Europe/Lisbon", SpaceStatus.DRAFT,
     ("safety_certificate", 365, CredentialStatus.PENDING)),
]  # fmt: skip


def _space(owner, now, row) -> Space:
    name, description, online, location, capacity, seats, access, hours, tz, status, cred = row
    space, _ = Space.objects.using(ALIAS).update_or_create(
        name=name,
        defaults={
            "owner_id": owner, "description": description, "is_online": online,
            "location": location, "capacity": capacity, "seats": seats,
            "accessibility": access, "opening_hours": hours, "timezone": tz,
            "buffer_minutes": 15, "status": status,
            "rules": "Leave it as you found it.",
        },
    )  # fmt: skip
    kind, days, credential_status = cred
    SpaceCredential.objects.using(ALIAS).get_or_create(
        space=space,
        reference=f"DEMO-{kind.upper()}-{space.name[:10]}",
        defaults={
            "kind": kind, "issuer": "Demo Mutual", "status": credential_status,
            "expires_at": now + timedelta(days=days), "submitted_at": now - timedelta(days=30),
            "reviewed_at": None if credential_status == "pending" else now - timedelta(days=29),
        },
    )  # fmt: skip
    return space


def _booking(key, space, member, starts_at, status) -> Booking:
    booking, _ = Booking.objects.using(ALIAS).get_or_create(
        id=uuid5(DEMO, key),
        defaults={
            "space": space, "member_id": member, "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "blocked_until": starts_at + timedelta(hours=2, minutes=space.buffer_minutes),
            "status": status, "hold_expires_at": starts_at, "created_at": starts_at,
            "confirmed_at": starts_at - timedelta(days=1),
        },
    )  # fmt: skip
    return booking


def load(stdout) -> None:
    owner, ana = demo_member_id("chidi@example.com"), demo_member_id("ana@example.com")
    now = timezone.now()
    today = now.astimezone(UTC).date()
    with transaction.atomic(using=ALIAS):
        spaces = [_space(owner, now, row) for row in SPACES]
        riverside = spaces[0]
        past = datetime(today.year, today.month, today.day, 9, tzinfo=UTC) - timedelta(days=7)
        stay = _booking("ana-past-stay", riverside, ana, past, BookingStatus.COMPLETED)
        _booking("ana-tomorrow", riverside, ana, past + timedelta(days=8), BookingStatus.CONFIRMED)
        _, created = SpaceRating.objects.using(ALIAS).get_or_create(
            booking=stay,
            defaults={
                "space": riverside, "member_id": ana, "score": 5,
                "comment": "Calm, bright, and the buffer made handovers easy.",
                "given_at": stay.ends_at + timedelta(hours=1),
                "owner_reply": "Thank you Ana, come back soon!", "replied_at": stay.ends_at,
            },
        )  # fmt: skip
        if created:
            Space.objects.using(ALIAS).filter(pk=riverside.pk).update(
                rating_average=5.0, rating_count=1
            )
    unlisted = spaces_unlist_lapsed(now=now)  # the Maker lab, as the beat task would
    stdout.write(
        f"marketplace: {len(SPACES)} spaces (2 bookable, 1 with a lapsed certificate: "
        f"{unlisted} newly unlisted, 1 draft "
        "waiting for a moderator), Ana's stay rated and answered, a booking tomorrow"
    )
