"""Why a marketplace write was refused; the API maps each to its problem status."""


class MarketplaceRefused(Exception):
    """Base class: ``field`` names the input at fault, when one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidRequest(MarketplaceRefused):
    """400: the request itself cannot be satisfied (outside opening hours, too many people)."""


class NotAllowed(MarketplaceRefused):
    """403: the caller may not act on this object (not its owner, not its booker)."""


class StateConflict(MarketplaceRefused):
    """409: the object's current state forbids it (slot taken, hold lapsed, not bookable)."""


class SlotTaken(StateConflict):
    """409: another live booking already blocks this range on every seat."""
