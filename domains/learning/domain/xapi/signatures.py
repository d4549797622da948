"""Signed statements (xAPI-Data §2.6): a JWS attachment whose payload is the statement.

The LRS refuses a signature that is not a JWS in compact serialisation, uses an
algorithm other than RS256/RS384/RS512, or whose payload is not the statement it is
attached to (compared as the statement comparison rules say, attachments aside).
Checking the signature against an ``x5c`` certificate is optional in the
specification; this LRS does not (docs/xapi.md).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from domains.learning.domain.xapi.compare import statement_fingerprint
from domains.learning.domain.xapi.errors import XapiInvalid

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
_ALGORITHMS = {"RS256", "RS384", "RS512"}


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def signature_check(statement: dict[str, Any], jws: bytes, path: tuple) -> None:
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = json.loads(_b64(header_b64))
        payload = json.loads(_b64(payload_b64))
        _b64(signature_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise XapiInvalid(path, "the signature is not a JWS in compact serialisation") from exc
    if not isinstance(header, dict) or header.get("alg") not in _ALGORITHMS:
        raise XapiInvalid(path, "a statement signature must use RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise XapiInvalid(path, "the signature's payload is not a statement")

    def meant(value: dict[str, Any]) -> str:
        return statement_fingerprint({k: v for k, v in value.items() if k != "attachments"})

    if meant(payload) != meant(statement):
        raise XapiInvalid(path, "the signature's payload does not match the statement")
