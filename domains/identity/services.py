"""Identity writes. Every change other domains must hear about is published through
the outbox in the same transaction."""

from __future__ import annotations

from django.db import transaction

from contracts.identity.v2 import MemberRegistered
from domains.identity.models import User
from eventing.outbox import outbox_publish

ALIAS = "identity"


def user_register(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    locale: str | None = None,
    **fields,
) -> User:
    """Create a member and announce ``identity.member_registered``."""
    with transaction.atomic(using=ALIAS):
        user = User.objects.create_user(email, password, display_name=display_name, **fields)
        outbox_publish(
            alias=ALIAS,
            producer="identity",
            aggregate_id=str(user.id),
            event=MemberRegistered(
                member_id=user.id,
                display_name=user.display_name,
                joined_at=user.date_joined,
                locale=locale,
            ),
        )
    return user
