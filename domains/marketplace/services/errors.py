"""Why a marketplace write was refused: ``common.refusals`` kinds, mapped by the API."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from common.refusals import Refused

T = TypeVar("T", bound=Model)


class MarketplaceRefused(Refused):
    """Base class: ``field`` names the input at fault, when one is."""


class InvalidRequest(MarketplaceRefused):
    """400: the request itself cannot be satisfied (outside opening hours, too many people)."""

    kind = "invalid"


class NotAllowed(MarketplaceRefused):
    """403: the caller may not act on this object (not its owner, not its booker)."""

    kind = "forbidden"


class StateConflict(MarketplaceRefused):
    """409: the object's current state forbids it (slot taken, hold lapsed, not bookable)."""

    kind = "conflict"


class Missing(MarketplaceRefused):
    """404: no such space, booking, credential or rating."""

    kind = "not_found"


def found(queryset: QuerySet[T], **lookup: object) -> T:
    """``queryset.get(**lookup)``, or ``Missing`` when there is no such row."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Missing("No such space, booking, credential or rating.") from exc


class SlotTaken(StateConflict):
    """409: another live booking already blocks this range on every seat."""
