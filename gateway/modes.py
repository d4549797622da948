"""Where a route's traffic goes while an endpoint moves from legacy to the new platform."""

from enum import StrEnum


class RouteMode(StrEnum):
    #: Legacy serves; the new side is not called.
    LEGACY = "legacy"
    #: Legacy serves; the new side is called too and the answers compared.
    SHADOW = "shadow"
    #: A sticky share of users goes to the new side.
    CANARY = "canary"
    #: The new side serves everyone.
    NEW = "new"
    #: The endpoint is gone from both sides.
    RETIRED = "retired"
