"""What the decision register records, as canonical bytes, and what a tree head signs.

An entry's bytes are JSON with sorted keys, no spaces, UTF-8, integers and strings
only (no floats, whose text forms differ between languages): any verifier rebuilds
the same bytes, so the leaf hash (RFC 9162: SHA-256 of 0x00 and the bytes) is the
same everywhere. The same rules make the signed tree head's message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

TREE_HEAD_LABEL = b"governance-register/tree-head/v1\n"


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def instant(moment: datetime) -> str:
    """An ISO 8601 UTC instant with microseconds: one text per moment."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def tree_head_message(*, tree_size: int, timestamp_ms: int, root_hash_hex: str) -> bytes:
    """The bytes an Ed25519 tree-head signature covers."""
    return TREE_HEAD_LABEL + canonical(
        {"root_hash": root_hash_hex, "timestamp": timestamp_ms, "tree_size": tree_size}
    )
