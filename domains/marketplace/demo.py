"""Demo spaces for ``make run``."""

from django.db import transaction

from common.demo_ids import demo_member_id
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space

SPACES = [
    ("Riverside study room", "Quiet room by the river.", False, "Lyon, FR", 8,
     ["step_free_access", "quiet_room"], SpaceStatus.LISTED),
    ("Online pairing room", "Video room for pair programming.", True, "", 4, [],
     SpaceStatus.LISTED),
    ("Maker lab (being set up)", "Workshop with tools.", False, "Porto, PT", 12, [],
     SpaceStatus.DRAFT),
]  # fmt: skip


def load(stdout) -> None:
    owner = demo_member_id("chidi@example.com")
    with transaction.atomic(using="marketplace"):
        for name, description, online, location, capacity, access, status in SPACES:
            Space.objects.get_or_create(
                name=name,
                defaults={
                    "owner_id": owner,
                    "description": description,
                    "is_online": online,
                    "location": location,
                    "capacity": capacity,
                    "accessibility": access,
                    "status": status,
                },
            )
    stdout.write(f"marketplace: {len(SPACES)} spaces")
