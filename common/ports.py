"""A port's one implementation in this process, installed by the composition root.

Business code asks a port for "the" implementation (``installed()``) and never which
mode the process runs in; ``config.composition.compose()`` installs it at start-up
(the 'config' app's ``ready()``). One holder instead of the same global, setter and
guarded getter in every port module.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Port(Generic[T]):
    """Holds the implementation installed for ``what`` (named in the error when none is)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._installed: T | None = None

    def install(self, implementation: T) -> None:
        """Set the process's implementation (the composition root, at start-up)."""
        self._installed = implementation

    def installed(self) -> T:
        if self._installed is None:
            raise ImproperlyConfigured(
                f"No {self.what} installed: config.composition.compose() runs at start-up "
                "(the 'config' app's ready())."
            )
        return self._installed
