"""Reputation's published events, version 1."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class RatingRecorded(Event):
    """A member rated another in some context (e.g. a booking or a proposal)."""

    TYPE = "reputation.rating_recorded"
    VERSION = 1

    rating_id: UUID
    rater_id: UUID
    ratee_id: UUID
    context_type: str
    context_id: str
    score: int
    given_at: datetime


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class ReputationChanged(Event):
    """A member's reputation was recomputed from the ratings that still count."""

    TYPE = "reputation.changed"
    VERSION = 1

    member_id: UUID
    score: float
    ratings_counted: int
    computed_at: datetime
