"""A statement the specification refuses, with the property that made it so."""

from __future__ import annotations


class XapiInvalid(ValueError):
    """``path`` locates the offending property (``("actor", "mbox")``); the message says why."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    @property
    def property(self) -> str:
        return ".".join(str(p) for p in self.path) or "statement"

    def __str__(self) -> str:
        return f"{self.property}: {self.message}"
