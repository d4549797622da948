#!/usr/bin/env python3
"""Check the governance decision register without trusting the platform.

Pure Python plus ``cryptography``; no Django, no project imports: the Merkle proof
checks (RFC 9162 §2.1.3.2 and §2.1.4.2) are written here again, independently of the
server's code. Pin the register's public key (hex, from a source you trust, e.g. a
copy saved when you first looked), and every tree head must carry its signature.

    register_verify.py inclusion   --public-key HEX (--proof FILE | --url BASE --index N)
    register_verify.py consistency --public-key HEX (--proof FILE | --url BASE --first N)
    register_verify.py monitor     --public-key HEX --url BASE --state FILE

``monitor`` remembers the last tree head in FILE and proves that the register only
grew since (a consistency proof), so a rewritten history is caught even if every
current answer is self-consistent. BASE is the platform's origin, e.g.
http://127.0.0.1:8000. Exit status 0: verified; 1: failed (the reason is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

API = "/api/v1/governance/register"
TREE_HEAD_LABEL = b"governance-register/tree-head/v1\n"


class Failed(Exception):
    pass


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return _h(b"\x01" + left + right)


def check_tree_head(head: dict, public_key_hex: str) -> None:
    message = (
        TREE_HEAD_LABEL
        + json.dumps(
            {
                "root_hash": head["root_hash"],
                "timestamp": head["timestamp"],
                "tree_size": head["tree_size"],
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    )
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    try:
        key.verify(bytes.fromhex(head["signature"]), message)
    except (InvalidSignature, ValueError) as exc:
        raise Failed(
            f"the tree head of size {head['tree_size']} is not signed by the pinned key"
        ) from exc


def check_inclusion(proof: dict, public_key_hex: str) -> str:
    head = proof["tree_head"]
    check_tree_head(head, public_key_hex)
    if proof["tree_size"] != head["tree_size"]:
        raise Failed("the proof is for another tree size than its signed head")
    leaf = _h(b"\x00" + proof["entry"].encode())
    index, size = proof["leaf_index"], head["tree_size"]
    if index >= size:
        raise Failed(f"entry {index} cannot be in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p_hex in proof["audit_path"]:
        p = bytes.fromhex(p_hex)
        if sn == 0:
            raise Failed("the audit path is too long")
        if fn % 2 == 1 or fn == sn:
            r = _node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = _node(r, p)
        fn, sn = fn // 2, sn // 2
    if sn != 0:
        raise Failed("the audit path is too short")
    if r.hex() != head["root_hash"]:
        raise Failed(f"entry {index} is not in the signed tree of size {size} (root mismatch)")
    return f"OK: entry {index} is in the signed tree of size {size}: {proof['entry']}"


def check_consistency(proof: dict, public_key_hex: str) -> str:
    first_head, second_head = proof["first_tree_head"], proof["second_tree_head"]
    check_tree_head(first_head, public_key_hex)
    check_tree_head(second_head, public_key_hex)
    first, second = first_head["tree_size"], second_head["tree_size"]
    first_root, second_root = (
        bytes.fromhex(first_head["root_hash"]),
        bytes.fromhex(second_head["root_hash"]),
    )
    path = [bytes.fromhex(c) for c in proof["consistency_path"]]
    if first == second:
        if path or first_root != second_root:
            raise Failed(f"two different signed trees of size {first}")
        return f"OK: tree {first} is unchanged"
    if not 0 < first < second or not path:
        raise Failed(f"no consistency between sizes {first} and {second}")
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn % 2 == 1:
        fn, sn = fn // 2, sn // 2
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failed("the consistency path is too long")
        if fn % 2 == 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            sr = _node(sr, c)
        fn, sn = fn // 2, sn // 2
    if sn != 0 or fr != first_root or sr != second_root:
        raise Failed(
            f"the tree of size {second} does not extend the tree of size {first}: "
            "history was rewritten"
        )
    return f"OK: the tree of size {second} extends the tree of size {first}"


def fetch(base: str, path: str, **query) -> dict:
    url = base.rstrip("/") + API + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    if not url.startswith(("http://", "https://")):
        raise Failed(f"not an http(s) URL: {url}")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (scheme checked)
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["inclusion", "consistency", "monitor"])
    parser.add_argument("--public-key", required=True, help="the register's Ed25519 key, hex")
    parser.add_argument("--proof", type=Path, help="a proof saved as JSON")
    parser.add_argument("--url", help="the platform's origin")
    parser.add_argument("--index", type=int)
    parser.add_argument("--first", type=int)
    parser.add_argument("--state", type=Path, help="monitor: where the last tree head is kept")
    args = parser.parse_args(argv)
    try:
        if args.command == "monitor":
            if not (args.url and args.state):
                raise Failed("monitor needs --url and --state")
            latest = fetch(args.url, "/tree-head")
            check_tree_head(latest, args.public_key)
            message = f"OK: first tree head seen, size {latest['tree_size']}"
            if args.state.exists():
                seen = json.loads(args.state.read_text())
                if latest["tree_size"] < seen["tree_size"]:
                    raise Failed(
                        f"the register shrank from {seen['tree_size']} to {latest['tree_size']}"
                    )
                proof = fetch(
                    args.url,
                    "/proofs/consistency",
                    first=seen["tree_size"],
                    second=latest["tree_size"],
                )
                if proof["first_tree_head"]["root_hash"] != seen["root_hash"]:
                    raise Failed(f"the tree of size {seen['tree_size']} is not the one seen before")
                message = check_consistency(proof, args.public_key)
            args.state.write_text(json.dumps(latest))
        elif args.proof:
            proof = json.loads(args.proof.read_text())
            check = check_inclusion if args.command == "inclusion" else check_consistency
            message = check(proof, args.public_key)
        elif args.url and args.command == "inclusion" and args.index is not None:
            message = check_inclusion(
                fetch(args.url, "/proofs/inclusion", index=args.index), args.public_key
            )
        elif args.url and args.command == "consistency" and args.first is not None:
            message = check_consistency(
                fetch(args.url, "/proofs/consistency", first=args.first), args.public_key
            )
        else:
            raise Failed(
                "give --proof FILE, or --url with --index (inclusion) or --first (consistency)"
            )
    except Failed as exc:
        print(f"FAILED: {exc}")
        return 1
    except (KeyError, ValueError, TypeError) as exc:
        print(f"FAILED: malformed proof ({exc!r})")
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
