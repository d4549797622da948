"""Who handles what: the registry of consumer groups and their event handlers.

A domain subscribes in its ``handlers.py`` (discovered when the app registry is
ready) with ``@handles(SomeEvent, group="<domain>")``. A group belongs to one domain
and so to one database alias, where its inbox and its handlers' effects are written
together. Streams follow from the event types: ``identity.member_registered`` is read
from ``events:identity``.

A handler for version N also receives later versions of the same type when no newer
handler exists: published versions only ever add optional fields, and payload
decoding ignores fields it does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contracts.envelope import Envelope
from contracts.events import Event
from eventing.streams import event_stream

Handler = Callable[[Event, Envelope], None]
BatchHandler = Callable[[list[tuple[Event, Envelope]]], None]


@dataclass(frozen=True)
class Subscription:
    group: str
    alias: str
    event_class: type[Event]
    handler: Handler | BatchHandler
    #: A batch handler takes every consecutive event of its type in a batch at once
    #: (e.g. one bulk insert), instead of one call per event.
    batch: bool = False

    def apply_one(self, event: Event, envelope: Envelope) -> None:
        if self.batch:
            self.handler([(event, envelope)])
        else:
            self.handler(event, envelope)

    @property
    def stream(self) -> str:
        return event_stream(self.event_class.TYPE.split(".", 1)[0])


class HandlerRegistry:
    def __init__(self) -> None:
        self._subs: dict[tuple[str, str, int], Subscription] = {}

    def register(self, sub: Subscription) -> None:
        key = (sub.group, sub.event_class.TYPE, sub.event_class.VERSION)
        if key in self._subs and self._subs[key].handler is not sub.handler:
            raise ValueError(f"{key} already has a handler")
        aliases = {s.alias for s in self._subs.values() if s.group == sub.group}
        if aliases and aliases != {sub.alias}:
            raise ValueError(f"group {sub.group!r} already writes to {aliases}, not {sub.alias!r}")
        self._subs[key] = sub

    def unregister(self, sub: Subscription) -> None:
        self._subs.pop((sub.group, sub.event_class.TYPE, sub.event_class.VERSION), None)

    def groups(self) -> list[str]:
        return sorted({s.group for s in self._subs.values()})

    def alias_for(self, group: str) -> str:
        for sub in self._subs.values():
            if sub.group == group:
                return sub.alias
        raise LookupError(f"no handlers registered for group {group!r}")

    def streams_for(self, group: str) -> list[str]:
        return sorted({s.stream for s in self._subs.values() if s.group == group})

    def groups_for(self, event_type: str) -> list[str]:
        return sorted({s.group for s in self._subs.values() if event_type == s.event_class.TYPE})

    def resolve(self, group: str, event_type: str, version: int) -> Subscription | None:
        """The handler for this version, or the newest one for an older version."""
        candidates = [
            s
            for (g, t, v), s in self._subs.items()
            if g == group and t == event_type and v <= version
        ]
        return max(candidates, key=lambda s: s.event_class.VERSION, default=None)


REGISTRY = HandlerRegistry()


def handles(event_class: type[Event], *, group: str, alias: str | None = None, batch: bool = False):
    """Decorator: ``handler(event, envelope)`` applies ``event_class`` for ``group``.

    With ``batch=True`` the handler is ``handler([(event, envelope), ...])``.
    """

    def register(handler):
        REGISTRY.register(Subscription(group, alias or group, event_class, handler, batch))
        return handler

    return register
