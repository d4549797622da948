"""Values that must not cross a fork: HTTP clients, circuit breakers, semaphores.

Gunicorn forks its workers from a parent that may already have built them; a client's
sockets or a semaphore's counts shared with the parent would be wrong in a child. A
``PerProcess`` cache remembers which process filled it and starts empty in any other,
so each worker builds its own on first use. One helper instead of a ``(os.getpid(),
key)`` tuple in every module.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class PerProcess(Generic[V]):
    """A thread-safe map of this process's values, emptied in a forked child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._values: dict[Hashable, V] = {}

    def _own(self) -> dict[Hashable, V]:
        if self._pid != os.getpid():  # forked: the parent's values are not ours
            self._pid, self._values = os.getpid(), {}
        return self._values

    def get(
        self,
        key: Hashable,
        build: Callable[[], V],
        *,
        still_valid: Callable[[V], bool] | None = None,
    ) -> V:
        """This process's value for ``key``, built (again) when missing or when
        ``still_valid`` says the one built earlier no longer fits (its settings changed)."""
        with self._lock:
            values = self._own()
            value = values.get(key)
            if value is None or (still_valid is not None and not still_valid(value)):
                value = values[key] = build()
            return value

    def peek(self, key: Hashable) -> V | None:
        """The value if this process built one, without building it."""
        with self._lock:
            return self._own().get(key)

    def clear(self) -> None:
        with self._lock:
            self._own().clear()
