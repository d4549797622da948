"""The path the gateway matches and forwards: normalised once, refused if it escapes.

WSGI servers (and Django's test client) hand the application a path that is
percent-decoded once, so ``/api/..%2f_control`` and ``/api/%2e%2e/_control`` arrive as
``/api/../_control``. Forwarded as it is, the HTTP client to legacy (urllib3) removes
the dot segments and calls ``/_control``, a path outside every route. So the gateway
resolves dot segments itself (RFC 3986 §5.2.4) *before* matching a route and before
forwarding, and refuses with 400:

- a path that resolves outside ``/api/`` or onto the new API (``/api/v1/``, schema,
  docs), which the gateway does not proxy;
- a path still holding a percent-encoded byte after that one decode (double encoding:
  ``%252e%252e`` would become ``..`` at the next hop that decodes again), a backslash
  (some servers read it as ``/``) or a control character.

What is forwarded is the normalised path, percent-encoded again, so nothing in it can
turn into a query, a fragment or another segment at the next hop.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_ENCODED_BYTE = re.compile(r"%[0-9A-Fa-f]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
#: Characters left as they are when a path is encoded again for the next hop.
_SAFE = "/:@!$&'()*+,;=-._~"


class PathRefused(ValueError):
    """The path cannot be proxied; the message says why (a 400's detail)."""


def _dot_segments_removed(path: str) -> str:
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        elif segment == ".":
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def normalised(path: str, *, prefix: str, excluded: tuple[str, ...]) -> str:
    """``path`` (decoded once) with its dot segments resolved; it must stay under
    ``prefix`` and outside ``excluded``."""
    if _ENCODED_BYTE.search(path):
        raise PathRefused("The path is percent-encoded twice; send it encoded once.")
    if _CONTROL.search(path):
        raise PathRefused("The path holds a backslash or a control character.")
    resolved = _dot_segments_removed(path)
    if not resolved.startswith(prefix) or resolved.startswith(excluded):
        raise PathRefused(f"The path leaves {prefix} once its dot segments are resolved.")
    return resolved


def for_forwarding(path: str) -> str:
    """A normalised path as the next hop must receive it: percent-encoded again."""
    return quote(path, safe=_SAFE)
