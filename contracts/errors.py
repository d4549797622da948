"""The errors a contract raises, so producers and consumers can tell bad input apart.

A consumer parks a message it cannot read (dead letter) instead of retrying it for
ever; these classes let it tell "this message is malformed" (``InvalidEnvelope``,
``InvalidPayload``) and "nobody here knows this event" (``UnknownEventType``) from a
bug in its own code.
"""


class ContractError(Exception):
    """Base of every error raised by ``contracts``."""


class InvalidEnvelope(ContractError, ValueError):
    """An envelope is malformed; the message names the offending key."""


class InvalidPayload(ContractError, ValueError):
    """An event's payload is malformed; the message and ``field`` name the field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownEventType(ContractError, LookupError):
    """No registered contract has this (type, version)."""


class DuplicateEventType(ContractError, ValueError):
    """A second contract claims a (type, version) that is already registered."""
