"""A statement or request the specification refuses, with the property that made it so.

A ``common.refusals.Invalid``: the API's exception handler answers it with a 400
problem whose ``errors[0]`` names the property by ``field`` (dotted, ``2.actor.mbox``)
and ``pointer`` (``#/2/actor/mbox``), as docs/xapi.md documents.
"""

from __future__ import annotations

from common.refusals import Invalid


class XapiInvalid(Invalid):
    """``path`` locates the offending property (``("actor", "mbox")``); the message says why."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        located = path or ("statement",)
        super().__init__(message, field=".".join(str(p) for p in located))
        self.path = located
        self.message = message

    @property
    def property(self) -> str:
        return self.field or "statement"
