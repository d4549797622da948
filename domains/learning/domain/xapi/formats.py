"""The value formats xAPI 1.0.3 names: IRIs, UUIDs, language tags, ISO 8601 timestamps
and durations, mailto IRIs and SHA-1 sums (xAPI-Data §4.2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LANGUAGE_TAG = re.compile(r"^(?:[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*|[xX](?:-[A-Za-z0-9]{1,8})+)$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# ISO 8601 duration: PnYnMnDTnHnMnS or PnW; seconds may be fractional.
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$|^P\d+W$"
)
# The date and time are separated by "T" (ISO 8601) or a space (RFC 3339 §5.6 allows it).
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)
#: RFC 3339 ``date-time``: seconds and a time zone (Z or ±hh:mm) are required.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$"
)


def is_iri(value: object) -> bool:
    """An absolute IRI (RFC 3987): a scheme, then ':'; no white space."""
    return (
        isinstance(value, str)
        and bool(_SCHEME.match(value))
        and not any(c.isspace() for c in value)
    )


def is_irl(value: object) -> bool:
    return is_iri(value)


def is_uuid(value: object) -> bool:
    if not isinstance(value, str) or not _UUID.match(value):
        return False
    UUID(value)
    return True


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and bool(_LANGUAGE_TAG.match(value))


def is_duration(value: object) -> bool:
    return isinstance(value, str) and bool(_DURATION.match(value))


def is_sha1(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA1.match(value))


def is_mailto(value: object) -> bool:
    return isinstance(value, str) and value.startswith("mailto:") and "@" in value[7:]


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (no offset means UTC); None if invalid.

    The offset ``-00:00`` is refused, as xAPI-Data §4.5 requires."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    zone = _TIMESTAMP.match(value).group(1)
    if zone in ("-00:00", "-0000"):
        return None
    text = value[:-1] + "+00:00" if zone in ("Z", "z") else value
    text = text[:10] + "T" + text[11:]
    # Python before 3.12 parses at most 6 fractional digits: trim finer precision.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_rfc3339(value: object) -> bool:
    """A timestamp in RFC 3339's profile of ISO 8601 (xAPI 2.0 requires it)."""
    return (
        isinstance(value, str)
        and bool(_RFC3339.match(value))
        and parse_timestamp(value) is not None
    )


def format_timestamp(value: datetime) -> str:
    """UTC, millisecond precision or finer, ending in Z (what the LRS emits)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
