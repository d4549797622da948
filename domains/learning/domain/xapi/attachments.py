"""Which attachment content a statement request must carry (xAPI-Communication §1.5.2).

Every attachment without a ``fileUrl`` needs its content in the request, matched by
SHA-2; every content part must belong to an attachment; signature attachments must
be JWS (``application/octet-stream``) and sign their own statement.
"""

from __future__ import annotations

from typing import Any

from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.signatures import SIGNATURE_USAGE, signature_check


def attachments_check(
    statements: list[dict[str, Any]], contents: dict[str, bytes], *, batch: bool, v2: bool
) -> None:
    """Refuse a request whose parts and attachment objects do not correspond, or whose
    signatures fail (``signatures.signature_check``, by the request's version)."""
    used: set[str] = set()
    for i, statement in enumerate(statements):
        base = (i,) if batch else ()
        for j, attachment in enumerate(statement.get("attachments", [])):
            path = (*base, "attachments", j)
            sha2 = attachment["sha2"].lower()
            if sha2 in contents:
                used.add(sha2)
            elif "fileUrl" not in attachment:
                raise XapiInvalid(
                    (*path, "sha2"), "no multipart part carries this attachment's content"
                )
            if attachment["usageType"] == SIGNATURE_USAGE:
                if attachment["contentType"] != "application/octet-stream":
                    raise XapiInvalid(
                        (*path, "contentType"), "a signature is application/octet-stream"
                    )
                if sha2 not in contents:
                    raise XapiInvalid((*path, "sha2"), "the signature must be sent with it")
                signature_check(statement, contents[sha2], path, v2=v2)
    unused = set(contents) - used
    if unused:
        raise XapiInvalid(("body",), f"a part matches no attachment: {sorted(unused)[0]}")
