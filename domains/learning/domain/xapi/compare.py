"""Whether two statements are the same statement (xAPI-Data §2.3.1; IEEE 9274.1.1 §4.2).

Two comparisons live here:

- ``statement_fingerprint``: the hash stored with every statement, so a repeated id
  is told apart from a different statement (a no-op or 409) with one indexed read. It
  ignores what the LRS may have changed: the LRS-assigned ``id``, ``stored``,
  ``authority``, ``version``; key order; single context activities versus arrays;
  timestamps in other time zones or precisions; ``mbox_sha1sum`` case.
- ``statements_equivalent``: the full "Statement comparison requirements" of each
  version, used where both statements are at hand (a signed statement's JWS payload
  against the statement it is attached to, Data §2.6). Ignored in both versions:
  ``stored``, ``authority``, ``version``, attachments, an ``id`` or ``timestamp`` that
  only one side has (the LRS assigns them when missing), the Activity Definitions and
  the Verb ``display`` a statement references, the order of a Group's members,
  timestamp serialisation, and the case of case-insensitive values (UUIDs, SHA-1
  sums, an e-mail domain, language tags). xAPI 2.0 (§4.2 "Statement Immutability")
  ignores case altogether and compares durations to 0.01 s (§4.2.7); 1.0.3 compares a
  duration as a string (Data §2.3.1.b8).
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import ROUND_DOWN, Decimal
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


#: Properties whose values are language maps (their keys are case-insensitive tags).
_LANGUAGE_MAPS = {"display", "name", "description"}
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)S$")


def _duration(value: str) -> str:
    """A duration with its seconds truncated to 0.01 s and trailing zeros dropped."""
    match = _SECONDS.search(value)
    if not match:
        return value
    seconds = Decimal(match.group(1)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    text = format(seconds.normalize(), "f")
    return value[: match.start()] + text + "S"


def _mbox(value: str) -> str:
    local, at, domain = value.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else value


def _comparable(value: Any, key: str, *, v2: bool, kind: str = "") -> Any:
    """``value`` with the differences the comparison requirements ignore removed;
    ``key`` is the property holding it, ``kind`` the ``objectType`` around it."""
    if key == "extensions":  # free JSON: compared as sent (2.0: without case)
        return json.loads(json.dumps(value).casefold()) if v2 else value
    if isinstance(value, dict):
        kind = value.get("objectType", "")
        out = {}
        for k, v in value.items():
            if k == "definition" or (key == "verb" and k == "display"):
                continue  # not part of the statement (Data §2.3.1.b2, b3)
            if key in _LANGUAGE_MAPS and isinstance(v, str):
                out[k.lower()] = v.casefold() if v2 else v
            else:
                out[k] = _comparable(v, k, v2=v2, kind=kind)
        return out
    if isinstance(value, list):
        items = [_comparable(v, key, v2=v2) for v in value]
        if key == "member":  # an unordered list (Data §2.3.1.b5)
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    if not isinstance(value, str):
        return value
    if key == "timestamp":
        parsed = parse_timestamp(value)
        value = format_timestamp(parsed) if parsed else value
    elif key in ("mbox_sha1sum", "registration", "language") or (
        key == "id" and kind == "StatementRef"
    ):
        value = value.lower()
    elif key == "mbox":
        value = _mbox(value)
    elif key == "duration" and v2:
        value = _duration(value)
    return value.casefold() if v2 else value


def _context_activities_as_lists(statement: dict[str, Any]) -> dict[str, Any]:
    """Single context activities as one-element arrays (Data §2.4.6.2), at both levels."""
    out = dict(statement)
    context = out.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        groups = {
            k: v if isinstance(v, list) else [v] for k, v in context["contextActivities"].items()
        }
        out["context"] = {**context, "contextActivities": groups}
    if isinstance(out.get("object"), dict) and out["object"].get("objectType") == "SubStatement":
        out["object"] = _context_activities_as_lists(out["object"])
    return out


def statements_equivalent(original: dict[str, Any], received: dict[str, Any], *, v2: bool) -> bool:
    """Whether ``received`` is logically the statement ``original`` (a JWS payload)."""
    ignored = {"stored", "authority", "version", "attachments"}
    for key in ("id", "timestamp"):
        if key not in original or key not in received:
            ignored.add(key)  # one side lacks it: the LRS would have assigned it

    def meant(statement: dict[str, Any]) -> Any:
        kept = {
            k: v for k, v in _context_activities_as_lists(statement).items() if k not in ignored
        }
        if "id" in kept and isinstance(kept["id"], str):
            kept["id"] = kept["id"].lower()
        return _comparable(kept, "", v2=v2)

    return meant(original) == meant(received)
