"""Verifiable credentials, shaped after W3C VC Data Model 2.0 and Open Badges 3.0.

Signed with a Data Integrity proof in the manner of ``eddsa-jcs-2022``: the
document without its ``proof`` and the proof options (``proof`` without
``proofValue``, carrying the document's ``@context``) are each canonicalised
(RFC 8785 JCS; our documents hold strings, integers, booleans, lists and objects
only, for which sorted-key, no-space JSON is JCS) and hashed with SHA-256; the
Ed25519 signature of the two hashes, proof hash first, is ``proofValue`` in
multibase base58btc (``z...``).

Revocation: each credential has a ``BitstringStatusListEntry`` pointing at a bit of
a status list credential (W3C Bitstring Status List): a GZIP-compressed bitstring of
at least 131,072 bits, multibase base64url (``u...``), the first bit the most
significant bit of the first byte. A status list credential has a short
``validUntil``: a downloaded copy lets a verifier check offline until then.

``verify`` returns the reasons a credential does not verify (empty: it does), so a
one-byte change, a revocation and an expiry each say what they are.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_BITS = 131_072
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def b58encode(data: bytes) -> str:
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, remainder = divmod(number, 58)
        text = _B58[remainder] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _signing_input(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {**proof_options, "@context": document.get("@context")}
    return (
        hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    )


def sign(
    document: dict[str, Any], *, key: Ed25519PrivateKey, verification_method: str, created: datetime
) -> dict[str, Any]:
    """``document`` with a Data Integrity proof added."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": instant(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_signing_input(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def signature_problems(document: dict[str, Any], *, public_key: Ed25519PublicKey) -> list[str]:
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof":
        return ["proof: missing or not a DataIntegrityProof"]
    value = proof.get("proofValue", "")
    if proof.get("cryptosuite") != "eddsa-jcs-2022" or not value.startswith("z"):
        return ["proof: unsupported cryptosuite or proof value encoding"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        public_key.verify(b58decode(value[1:]), _signing_input(document, options))
    except (InvalidSignature, ValueError):
        return ["signature: does not verify (the credential was altered, or another key signed it)"]
    return []


def encode_status_list(revoked: set[int], bits: int = STATUS_LIST_BITS) -> str:
    data = bytearray(bits // 8)
    for index in revoked:
        data[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(data), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def status_bit(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("the status list is not multibase base64url")
    padded = encoded[1:] + "=" * (-len(encoded[1:]) % 4)
    data = gzip.decompress(base64.urlsafe_b64decode(padded))
    if not 0 <= index < len(data) * 8:
        raise ValueError(f"status index {index} is outside the list")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def verify(
    document: dict[str, Any],
    *,
    public_key: Ed25519PublicKey,
    now: datetime,
    status_list: dict[str, Any] | None,
) -> list[str]:
    """Every reason ``document`` does not verify at ``now``; empty when it does.

    ``status_list`` is the status list credential its ``credentialStatus`` names
    (fetched, or a downloaded snapshot); None when it could not be had.
    """
    problems = signature_problems(document, public_key=public_key)
    if problems:
        return problems  # Nothing else in an altered document can be believed.
    try:
        if "validFrom" in document and now < parse_instant(document["validFrom"]):
            problems.append(f"not yet valid: valid from {document['validFrom']}")
        if document.get("validUntil") and now >= parse_instant(document["validUntil"]):
            problems.append(f"expired: valid until {document['validUntil']}")
    except ValueError:
        problems.append("validity: unreadable validFrom or validUntil")
    status = document.get("credentialStatus")
    if status:
        problems.extend(_status_problems(status, status_list, public_key=public_key, now=now))
    return problems


def _status_problems(status, status_list, *, public_key, now) -> list[str]:
    if status_list is None:
        return ["status: the status list could not be obtained"]
    if status_list.get("id") != status.get("statusListCredential"):
        return ["status: the status list given is not the one the credential names"]
    if signature_problems(status_list, public_key=public_key):
        return ["status: the status list's signature does not verify"]
    until = status_list.get("validUntil")
    if until and now >= parse_instant(until):
        return [f"status: the status list snapshot expired at {until}; fetch a fresh one"]
    try:
        revoked = status_bit(
            status_list["credentialSubject"]["encodedList"], int(status["statusListIndex"])
        )
    except (KeyError, ValueError, TypeError, OSError):
        return ["status: unreadable status list"]
    return ["revoked: the issuer's status list marks this credential revoked"] if revoked else []
