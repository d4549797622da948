"""multipart/mixed statement requests and responses (xAPI-Communication §1.5.2).

The first part holds the statement(s) as JSON; each further part is one attachment's
raw content, named by its ``X-Experience-API-Hash`` (the SHA-2 hex digest that the
statement's attachment object carries). Parsed by hand on the exact bytes: attachment
content is binary and must not be re-encoded.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from domains.learning.domain.xapi.errors import XapiInvalid

_DIGESTS = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    content: bytes


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"')
    raise XapiInvalid(("Content-Type",), "multipart/mixed needs a boundary parameter")


def multipart_parse(body: bytes, content_type: str) -> list[Part]:
    delimiter = b"--" + boundary_of(content_type).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise XapiInvalid(("body",), "is not a complete multipart/mixed document")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n")
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise XapiInvalid(("body",), "a multipart part has no header block")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            if line.strip():
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content.removesuffix(b"\r\n")))
    return parts


def attachment_parts(parts: list[Part]) -> dict[str, Part]:
    """The attachment parts by hash, each checked against its content."""
    found: dict[str, Part] = {}
    for i, part in enumerate(parts[1:], start=1):
        # Data §2.4.11 / Communication §1.5.2: attachment parts are sent as raw bytes.
        if part.headers.get("content-transfer-encoding", "").lower() != "binary":
            raise XapiInvalid(
                ("body", i), "an attachment part needs Content-Transfer-Encoding: binary"
            )
        claimed = part.headers.get("x-experience-api-hash", "").lower()
        if not claimed:
            raise XapiInvalid(("body", i), "an attachment part needs X-Experience-API-Hash")
        digest = _DIGESTS.get(len(claimed))
        if digest is None or digest(part.content).hexdigest() != claimed:
            raise XapiInvalid(("body", i), "the part's content does not match its SHA-2 hash")
        found[claimed] = part
    return found


def multipart_build(parts: list[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """Body and Content-Type of a multipart/mixed response."""
    boundary = secrets.token_hex(16)
    out = bytearray()
    for headers, content in parts:
        out += f"--{boundary}\r\n".encode()
        for name, value in headers.items():
            out += f"{name}: {value}\r\n".encode()
        out += b"\r\n" + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f'multipart/mixed; boundary="{boundary}"'
