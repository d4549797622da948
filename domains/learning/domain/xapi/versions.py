"""The xAPI versions the LRS speaks, chosen per request by ``X-Experience-API-Version``
(xAPI-Communication §3.3; IEEE 9274.1.1 §4.1.2): ``1.0``/``1.0.x`` → 1.0.3,
``2.0``/``2.0.x`` → 2.0.0. Responses carry the version applied."""

from __future__ import annotations

import re

XAPI_1_0_3 = "1.0.3"
XAPI_2_0 = "2.0.0"
#: What ``/xapi/about`` lists, newest first.
ABOUT_VERSIONS = [XAPI_2_0, XAPI_1_0_3, "1.0.2", "1.0.1", "1.0.0"]

_HEADER = {XAPI_1_0_3: re.compile(r"^1\.0(\.\d+)?$"), XAPI_2_0: re.compile(r"^2\.0(\.\d+)?$")}


def negotiate(header: str | None) -> str | None:
    """The version a request's header asks for, or None when it names none we speak."""
    for version, pattern in _HEADER.items():
        if header and pattern.match(header.strip()):
            return version
    return None
