"""Why a marketplace write was refused: ``common.refusals`` kinds, mapped by the API."""

from common.refusals import Refused


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


class SlotTaken(StateConflict):
    """409: another live booking already blocks this range on every seat."""
