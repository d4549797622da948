"""Stable ids for demo data, so every domain's demo refers to the same members.

Domains cannot import each other, so the demo members' ids are derived from their
e-mail addresses (UUIDv5) on both sides instead of being looked up.
"""

import uuid


def demo_member_id(email: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email}")
