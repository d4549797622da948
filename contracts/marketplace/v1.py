"""Marketplace's published events, version 1."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class BookingConfirmed(Event):
    """A member's booking of a space for [starts_at, ends_at) was confirmed."""

    TYPE = "marketplace.booking_confirmed"
    VERSION = 1

    booking_id: UUID
    space_id: UUID
    member_id: UUID
    starts_at: datetime
    ends_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class BookingCancelled(Event):
    """A booking was cancelled and its slot is free again."""

    TYPE = "marketplace.booking_cancelled"
    VERSION = 1

    booking_id: UUID
    space_id: UUID
    member_id: UUID
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class BookingCompleted(Event):
    """A booked session took place."""

    TYPE = "marketplace.booking_completed"
    VERSION = 1

    booking_id: UUID
    space_id: UUID
    member_id: UUID
    starts_at: datetime
    ends_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class SpaceListed(Event):
    """A space passed credential verification and is listed for booking."""

    TYPE = "marketplace.space_listed"
    VERSION = 1

    space_id: UUID
    owner_id: UUID
    name: str
    listed_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class SpaceUnlisted(Event):
    """A listed space lost its last valid credential (lapsed or revoked) and is no longer
    listed, searchable or bookable; ``SpaceListed`` follows when a renewal is verified."""

    TYPE = "marketplace.space_unlisted"
    VERSION = 1

    space_id: UUID
    owner_id: UUID
    reason: str
    unlisted_at: datetime
