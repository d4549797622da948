"""Limits every public JSON parser applies before a view sees the data.

Python's ``json`` recurses per nesting level: a body nested 100,000 deep raised
``RecursionError`` (a 500), and one nested 1,000 deep parsed but then broke code that
walks it. PostgreSQL refuses NUL characters in text and ``jsonb`` (a ``DataError``,
another 500, after part of the work). So a body is read up to a size limit (larger:
413), parsed with the recursion caught, then walked once, iteratively: deeper than
``max_depth`` (callers pass the ``JSON_MAX_DEPTH`` setting; plain Python here, so
domain cores may use it) or a NUL in any string or key is refused with the JSON pointer of
the place, before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any


class JsonRefused(ValueError):
    """``path`` locates the offending value (empty: the body as a whole)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    @property
    def pointer(self) -> str:
        return "/" + "/".join(str(part) for part in self.path)

    def __str__(self) -> str:
        return f"{self.message} (at {self.pointer})" if self.path else self.message


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_loads_limited(raw: bytes | str, *, max_depth: int) -> Any:
    """``raw`` parsed and checked; raises ``JsonRefused`` (or ``ValueError`` when it is
    not JSON at all)."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonRefused((), f"The JSON body is nested deeper than {max_depth} levels.") from None
    json_check(data, max_depth=max_depth)
    return data


def json_check(data: Any, *, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` and NUL characters anywhere."""
    limit = max_depth
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise JsonRefused(path, "The value holds a NUL character.")
            continue
        if not isinstance(value, dict | list):
            continue
        if len(path) >= limit:
            raise JsonRefused(path, f"The JSON body is nested deeper than {limit} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise JsonRefused(path, "A property name holds a NUL character.")
                stack.append((item, (*path, key)))
        else:
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
