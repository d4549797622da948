"""Every published (type, version) and the class that reads it.

Consumers decode an envelope by looking its (type, version) up here; the
compatibility test walks it to hold each contract against its published snapshots.
Each domain module (``contracts.<domain>.v<N>``) registers its events on import;
``load_all`` imports them all.
"""

import dataclasses
import importlib
import pkgutil
import re
from functools import cache
from typing import TypeVar

import contracts
from contracts.base import Event
from contracts.errors import DuplicateEventType, UnknownEventType
from contracts.schema import json_schema

_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_VERSION_MODULE = re.compile(r"contracts\.[a-z][a-z0-9_]*\.v[0-9]+")

E = TypeVar("E", bound=Event)


class Registry:
    def __init__(self) -> None:
        self._classes: dict[tuple[str, int], type[Event]] = {}

    def register(self, cls: type[E]) -> type[E]:
        """Class decorator: publish ``cls`` under its (TYPE, VERSION), once."""
        _check_contract(cls)
        key = (cls.TYPE, cls.VERSION)
        existing = self._classes.get(key)
        if existing is not None and existing is not cls:
            raise DuplicateEventType(
                f"{cls.TYPE} v{cls.VERSION} is already registered by "
                f"{existing.__module__}.{existing.__qualname__}; "
                f"{cls.__module__}.{cls.__qualname__} needs a new version"
            )
        self._classes[key] = cls
        return cls

    def get(self, type: str, version: int) -> type[Event]:
        try:
            return self._classes[(type, version)]
        except KeyError:
            raise UnknownEventType(f"no contract is registered for {type} v{version}") from None

    def all(self) -> list[type[Event]]:
        """Every registered contract, by type then version."""
        return [self._classes[key] for key in sorted(self._classes)]

    def latest(self, type: str) -> type[Event]:
        versions = [key[1] for key in self._classes if key[0] == type]
        if not versions:
            raise UnknownEventType(f"no contract is registered for {type}")
        return self._classes[(type, max(versions))]


REGISTRY = Registry()


@cache  # the modules do not change while the process runs
def load_all() -> Registry:
    """Import every ``contracts.<domain>.v<N>`` module, so that all contracts are registered."""
    for module in pkgutil.walk_packages(contracts.__path__, prefix="contracts."):
        if _VERSION_MODULE.fullmatch(module.name):
            importlib.import_module(module.name)
    return REGISTRY


def _check_contract(cls: type) -> None:
    """Refuse, at import time, a class that could not be published as a contract."""
    name = getattr(cls, "__qualname__", repr(cls))
    if not (isinstance(cls, type) and issubclass(cls, Event)):
        raise TypeError(f"{name} is not an Event")
    params = getattr(cls, "__dataclass_params__", None)
    if not dataclasses.is_dataclass(cls) or not params.frozen:
        raise TypeError(f"{name} must be a frozen dataclass")
    if not isinstance(getattr(cls, "TYPE", None), str) or not _EVENT_TYPE.fullmatch(cls.TYPE):
        raise TypeError(f"{name}.TYPE must look like 'domain.something_happened'")
    version = getattr(cls, "VERSION", None)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TypeError(f"{name}.VERSION must be an integer of at least 1")
    json_schema(cls)  # raises TypeError on a field annotation JSON cannot carry
