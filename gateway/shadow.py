"""Shadow comparison: are two answers the same once the noise is removed?

Pure functions. Per-route ignore rules drop fields anywhere in the document (ids that
differ by design, timestamps) and may ignore the order of lists; what is left is
compared, and a difference is described by a unified diff of the normalised JSON,
cut to a sample size so one huge answer never fills the table.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

SAMPLE_CHARS = 4000


def normalise(value: Any, *, ignore: frozenset[str], ignore_order: bool) -> Any:
    if isinstance(value, dict):
        return {
            k: normalise(v, ignore=ignore, ignore_order=ignore_order)
            for k, v in value.items()
            if k not in ignore
        }
    if isinstance(value, list):
        items = [normalise(v, ignore=ignore, ignore_order=ignore_order) for v in value]
        if ignore_order:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    return value


def difference(
    *,
    legacy: tuple[int, Any],
    new: tuple[int, Any],
    ignore: frozenset[str],
    ignore_order: bool,
) -> str | None:
    """A sample diff (legacy → new) when the answers differ, else None."""
    a = {
        "status": legacy[0],
        "body": normalise(legacy[1], ignore=ignore, ignore_order=ignore_order),
    }
    b = {"status": new[0], "body": normalise(new[1], ignore=ignore, ignore_order=ignore_order)}
    if a == b:
        return None
    lines = difflib.unified_diff(
        json.dumps(a, indent=1, sort_keys=True, default=str).splitlines(),
        json.dumps(b, indent=1, sort_keys=True, default=str).splitlines(),
        fromfile="legacy",
        tofile="new",
        lineterm="",
    )
    text = "\n".join(lines)
    return text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS] + "\n… (cut)"
