#!/usr/bin/env python3
"""Verify a platform credential: signature, validity period and revocation status.

Pure Python plus ``cryptography``; no Django and no project code, so it checks the
platform rather than repeating it. Give the issuer's public key you trust (hex, or an
issuer document saved earlier); the status list comes from the credential's
``statusListCredential`` URL, or, offline, from a bundle downloaded from
``/p/<id>/bundle`` (valid until the snapshot's ``validUntil``).

    credential_verify.py CREDENTIAL.json --public-key HEX            # fetches the status list
    credential_verify.py BUNDLE.json --public-key HEX --offline      # no network at all
    credential_verify.py CREDENTIAL.json --issuer ISSUER.json --status-list LIST.json

Exit status 0: verified; 1: not verified, with each reason on its own line.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def jcs(value) -> bytes:
    """RFC 8785 for documents without floats: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + ALPHABET.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_proof(document: dict, key: Ed25519PublicKey, what: str) -> list[str]:
    proof = document.get("proof") or {}
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return [f"{what}: no eddsa-jcs-2022 Data Integrity proof"]
    value = proof.get("proofValue", "")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document.get("@context")
    body = {k: v for k, v in document.items() if k != "proof"}
    message = hashlib.sha256(jcs(options)).digest() + hashlib.sha256(jcs(body)).digest()
    try:
        if not value.startswith("z"):
            raise ValueError("not base58btc")
        key.verify(base58_decode(value[1:]), message)
    except (InvalidSignature, ValueError):
        return [f"{what}: signature does not verify (altered, or signed by another key)"]
    return []


def check_status(credential: dict, status_list: dict | None, key, now: datetime) -> list[str]:
    entry = credential.get("credentialStatus")
    if not entry:
        return []
    if status_list is None:
        return ["status: no status list (fetch failed, or none given offline)"]
    if status_list.get("id") != entry.get("statusListCredential"):
        return ["status: the status list is not the one the credential names"]
    problems = check_proof(status_list, key, "status list")
    if problems:
        return problems
    if status_list.get("validUntil") and now >= when(status_list["validUntil"]):
        return [f"status: snapshot expired at {status_list['validUntil']}; get a fresh one"]
    encoded = status_list["credentialSubject"]["encodedList"]
    if not encoded.startswith("u"):
        return ["status: the list is not multibase base64url"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(entry["statusListIndex"])
    if bits[index // 8] & (0x80 >> (index % 8)):
        return ["revoked: the issuer's status list marks this credential revoked"]
    return []


def verify(
    credential: dict, *, key: Ed25519PublicKey, status_list: dict | None, now: datetime
) -> list[str]:
    problems = check_proof(credential, key, "credential")
    if problems:
        return problems
    if credential.get("validFrom") and now < when(credential["validFrom"]):
        problems.append(f"not yet valid: from {credential['validFrom']}")
    if credential.get("validUntil") and now >= when(credential["validUntil"]):
        problems.append(f"expired: valid until {credential['validUntil']}")
    return problems + check_status(credential, status_list, key, now)


def _fetch(url: str) -> dict | None:
    if not url.startswith(("http://", "https://")):
        return None
    try:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (scheme checked)
            return json.load(response)
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a credential, or a bundle from /p/<id>/bundle")
    parser.add_argument("--public-key", help="the issuer's Ed25519 public key, hex")
    parser.add_argument("--issuer", type=Path, help="an issuer document saved earlier (/p/issuer)")
    parser.add_argument("--status-list", type=Path, help="a status list credential saved earlier")
    parser.add_argument("--offline", action="store_true", help="never use the network")
    parser.add_argument("--now", help="check as of this instant (ISO 8601), default: now")
    args = parser.parse_args(argv)
    document = json.loads(args.file.read_text())
    credential = document.get("credential", document)
    status_list = document.get("statusList")
    if args.status_list:
        status_list = json.loads(args.status_list.read_text())
    if args.public_key:
        key_hex = args.public_key
    elif args.issuer:
        key_hex = json.loads(args.issuer.read_text())["verificationMethod"][0]["publicKeyHex"]
    else:
        print(
            "FAILED: give --public-key or --issuer (a key you trust, not one from the credential)"
        )
        return 1
    if status_list is None and not args.offline:
        status_list = _fetch(credential.get("credentialStatus", {}).get("statusListCredential", ""))
    now = when(args.now) if args.now else datetime.now(UTC)
    problems = verify(credential, key=Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex)),
                      status_list=status_list, now=now)  # fmt: skip
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}")
        return 1
    print(f"OK: {credential.get('name')} ({credential.get('id')}) verifies as of {now.isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
