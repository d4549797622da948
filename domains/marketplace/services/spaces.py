"""Owners describe spaces and put them up for booking once a credential is verified.

A listed space follows its credentials: when the last valid one lapses or is revoked it
becomes ``unlisted`` (``SpaceUnlisted``), and a renewed credential, once verified,
lists it again (``SpaceListed``). Reads never wait for that: lists, search and
availability check the credentials at the reader's clock; the status and the events
follow within ``MARKETPLACE_CREDENTIAL_CHECK_SECONDS`` (beat task), or at once when a
moderator verifies or revokes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from contracts.marketplace.v1 import SpaceListed, SpaceUnlisted
from domains.marketplace.domain.credentials import CredentialFact, credentials_allow_booking
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space
from domains.marketplace.selectors import credentials_lapsed
from domains.marketplace.services import ALIAS, PRODUCER
from domains.marketplace.services.errors import NotAllowed, StateConflict, found
from eventing.outbox import outbox_publish


def space_credentials_allow_booking(*, space: Space, at: datetime) -> bool:
    """Whether ``space`` holds a verified credential valid at ``at`` (read in the caller's
    transaction, so a booking and the credential it relied on are read together)."""
    facts = [
        CredentialFact(status=status, expires_at=expires_at)
        for status, expires_at in space.credentials.using(ALIAS).values_list("status", "expires_at")
    ]
    return credentials_allow_booking(facts, at)


def space_create(*, owner_id: UUID, **fields: Any) -> Space:
    """A new space, in draft until its owner lists it."""
    with transaction.atomic(using=ALIAS):
        space = Space(owner_id=owner_id, status=SpaceStatus.DRAFT, **fields)
        space.full_clean()
        space.save(using=ALIAS)
    return space


def space_list_for_booking(*, space_id: UUID, owner_id: UUID, now: datetime) -> Space:
    """List a space for booking; it needs a verified, unexpired credential."""
    with transaction.atomic(using=ALIAS):
        space = found(Space.objects.using(ALIAS).select_for_update(), pk=space_id)
        if space.owner_id != owner_id:
            raise NotAllowed("Only the space's owner can list it.")
        if space.status == SpaceStatus.LISTED:
            return space
        if space.status == SpaceStatus.SUSPENDED:
            raise StateConflict("A moderator suspended this space.")
        if not space_credentials_allow_booking(space=space, at=now):
            raise StateConflict("The space needs a verified credential that has not expired.")
        space.status = SpaceStatus.LISTED
        space.save(using=ALIAS, update_fields=["status"])
        _announce_listed(space, now)
    return space


def _announce_listed(space: Space, now: datetime) -> None:
    outbox_publish(
        alias=ALIAS,
        producer=PRODUCER,
        aggregate_id=str(space.pk),
        event=SpaceListed(
            space_id=space.pk, owner_id=space.owner_id, name=space.name, listed_at=now
        ),
    )


def space_import(*, space_id: UUID, now: datetime, **fields: Any) -> Space:
    """Create or overwrite the space ``space_id`` as another system of record describes it
    (the legacy copy during the transition), validated like any space. Its status is
    taken as given: a listed space is still bookable only with a verified credential
    (``booking_hold`` checks). Becoming listed is announced as ``SpaceListed``."""
    with transaction.atomic(using=ALIAS):
        space = Space.objects.using(ALIAS).select_for_update().filter(pk=space_id).first()
        was_listed = space is not None and space.status == SpaceStatus.LISTED
        space = space or Space(id=space_id)
        for name, value in fields.items():
            setattr(space, name, value)
        space.full_clean()
        space.save(using=ALIAS)
        if space.status == SpaceStatus.LISTED and not was_listed:
            _announce_listed(space, now)
    return space


def space_listing_follow_credentials(*, space_id: UUID, now: datetime, reason: str = "") -> Space:
    """Unlist a listed space with no valid credential at ``now``, or relist an unlisted
    one that has one again; announce either. Row-locked: one change per transition."""
    with transaction.atomic(using=ALIAS):
        space = Space.objects.using(ALIAS).select_for_update().get(pk=space_id)
        allowed = space_credentials_allow_booking(space=space, at=now)
        lapsed = Space.objects.using(ALIAS).filter(pk=space.pk).filter(credentials_lapsed(now=now))
        if space.status == SpaceStatus.LISTED and lapsed.exists():
            space.status = SpaceStatus.UNLISTED
            space.save(using=ALIAS, update_fields=["status"])
            outbox_publish(
                alias=ALIAS, producer=PRODUCER, aggregate_id=str(space.pk),
                event=SpaceUnlisted(
                    space_id=space.pk, owner_id=space.owner_id, unlisted_at=now,
                    reason=reason or "no verified credential valid now (lapsed or revoked)",
                ),
            )  # fmt: skip
        elif space.status == SpaceStatus.UNLISTED and allowed:
            space.status = SpaceStatus.LISTED
            space.save(using=ALIAS, update_fields=["status"])
            _announce_listed(space, now)
    return space


def spaces_unlist_lapsed(*, now: datetime, limit: int = 500) -> int:
    """Unlist listed spaces whose credentials all lapsed by ``now``; how many."""
    lapsed = (
        Space.objects.using(ALIAS)
        .filter(status=SpaceStatus.LISTED)
        .filter(credentials_lapsed(now=now))
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for space_id in list(lapsed):
        space = space_listing_follow_credentials(
            space_id=space_id, now=now, reason="its credential lapsed"
        )
        count += space.status == SpaceStatus.UNLISTED
    return count
