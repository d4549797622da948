"""The base class of every event contract (re-exported by ``contracts.events``).

It lives apart from ``contracts.events`` so that the registry can check that what it
registers is an ``Event`` while ``contracts.events`` decodes through the registry,
without an import cycle.
"""

from collections.abc import Mapping
from dataclasses import MISSING, fields
from functools import cache
from typing import Any, ClassVar, Self, get_type_hints

from contracts.errors import InvalidPayload
from contracts.fields import coerce, to_json_value


class Event:
    """Base of the event contracts: frozen, keyword-only dataclasses naming TYPE and VERSION.

    Constructing an event checks every field against its annotation (and parses UUID
    and date-time strings), so a malformed event fails where it is made, not where
    it is consumed.
    """

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]

    def __post_init__(self) -> None:
        for name, annotation in field_annotations(type(self)).items():
            try:
                value = coerce(annotation, getattr(self, name), name)
            except InvalidPayload as exc:
                raise InvalidPayload(f"{self._label()}: {exc}", field=exc.field) from None
            object.__setattr__(self, name, value)

    def payload(self) -> dict[str, Any]:
        """The event's fields as JSON-safe data (UUIDs and datetimes as strings)."""
        return {name: to_json_value(getattr(self, name)) for name in field_annotations(type(self))}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        """Read a payload: unknown keys are ignored, missing optional fields take defaults."""
        if not isinstance(payload, Mapping):
            raise InvalidPayload(
                f"{cls._label()}: payload must be an object, got {type(payload).__name__}"
            )
        known = {}
        for field in fields(cls):
            if field.name in payload:
                known[field.name] = payload[field.name]
            elif field.default is MISSING and field.default_factory is MISSING:
                raise InvalidPayload(
                    f"{cls._label()}: required field '{field.name}' is missing", field=field.name
                )
        return cls(**known)

    @classmethod
    def _label(cls) -> str:
        return f"{cls.TYPE} v{cls.VERSION}"


@cache
def field_annotations(cls: type[Event]) -> dict[str, Any]:
    """Each dataclass field of ``cls`` with its resolved annotation, in declaration order."""
    hints = get_type_hints(cls)
    return {field.name: hints[field.name] for field in fields(cls)}
