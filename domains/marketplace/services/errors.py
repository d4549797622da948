"""Why a marketplace write was refused: ``common.refusals``' classes, marked as the
marketplace's (``MarketplaceRefused``, which the legacy sync sink catches), with the
kind, status and problem type they inherit and the API maps once."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from common.refusals import Conflict, Forbidden, Invalid, NotFound, Refused

T = TypeVar("T", bound=Model)


class MarketplaceRefused(Refused):
    """Any marketplace refusal; each subclass takes its kind from a ``common.refusals`` class."""


class InvalidRequest(MarketplaceRefused, Invalid):
    """400: the request itself cannot be satisfied (outside opening hours, too many people)."""


class NotAllowed(MarketplaceRefused, Forbidden):
    """403: the caller may not act on this object (not its owner, not its booker)."""


class StateConflict(MarketplaceRefused, Conflict):
    """409: the object's current state forbids it (slot taken, hold lapsed, not bookable)."""


class Missing(MarketplaceRefused, NotFound):
    """404: no such space, booking, credential or rating."""


def found(queryset: QuerySet[T], **lookup: object) -> T:
    """``queryset.get(**lookup)``, or ``Missing`` when there is no such row."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Missing("No such space, booking, credential or rating.") from exc


class SlotTaken(StateConflict):
    """409: another live booking already blocks this range on every seat."""
