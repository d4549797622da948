"""Whether two statements with one id are the same statement (xAPI-Data §2.3.1).

Differences the LRS may have caused are ignored: the LRS-assigned ``id``, ``stored``,
``authority``, ``version`` and (when the client left it out) ``timestamp``; key order;
single context activities versus arrays; timestamps in other time zones or precisions.
Any other difference makes a repeated id a conflict (409).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from domains.learning.domain.xapi.formats import format_timestamp, parse_timestamp

_LRS_ASSIGNED = ("id", "stored", "authority", "version")


def _canonical(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if key == "timestamp" and isinstance(value, str):
        parsed = parse_timestamp(value)
        return format_timestamp(parsed) if parsed else value
    if key == "mbox_sha1sum" and isinstance(value, str):
        return value.lower()
    return value


def statement_fingerprint(statement: dict[str, Any]) -> str:
    """SHA-256 over the statement as the client meant it (normalised by validation)."""
    meant = {k: v for k, v in statement.items() if k not in _LRS_ASSIGNED}
    text = json.dumps(_canonical(meant), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
