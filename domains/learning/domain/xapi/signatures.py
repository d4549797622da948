"""Signed statements (xAPI-Data §2.6; IEEE 9274.1.1 §4.2.6): a JWS attachment whose
payload is the statement it is attached to.

The LRS refuses (400) a signature that:

- is not a JWS (RFC 7515) — in compact serialisation; a 1.0.3 request may also send
  the JSON serialisation (1.0.3 only discourages it, "SHOULD*"; 2.0 requires compact);
- has an algorithm other than RS256, RS384 or RS512;
- names a key it does not verify with: an ``x5c`` certificate chain (the first
  certificate's RSA key must verify the signature, and each certificate must be issued
  by the next one) or a ``jwk`` RSA public key. The specification requires checking
  against an included certificate "to catch mistakes in the signature, not as a
  security measure": there is no trust anchor and no validity period (a durable
  signature outlives its certificate). A key named only by reference (``kid``,
  ``x5u``, ``jku``) is not fetched, so such a signature is checked for form only;
- carries a payload that is not logically the statement (``compare.statements_equivalent``,
  by the request's version).

Verification is PyJWT's (RSASSA-PKCS1-v1_5 over SHA-2); certificates are read with
``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from typing import Any

import jwt
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.api_jws import PyJWS

from domains.learning.domain.xapi.compare import statements_equivalent
from domains.learning.domain.xapi.errors import XapiInvalid

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")
_JWS = PyJWS(algorithms=list(ALGORITHMS))


def _compact_forms(jws: bytes, *, v2: bool, path: tuple) -> list[str]:
    """The signature(s) as compact JWS strings; the JSON serialisation (RFC 7515 §7.2)
    is rewritten to compact form, its unprotected header must then be empty."""
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise XapiInvalid(path, "the signature is not a JWS (it is not ASCII)") from exc
    if not text.startswith("{"):
        return [text]
    if v2:
        raise XapiInvalid(path, "xAPI 2.0 requires the JWS compact serialisation")
    try:
        document = json.loads(text)
        signatures = document.get("signatures", [document])
        forms = []
        for item in signatures:
            if item.get("header"):
                raise XapiInvalid(path, "a statement signature's header must be protected")
            forms.append(f"{item['protected']}.{document['payload']}.{item['signature']}")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise XapiInvalid(path, "the signature is not a JWS JSON serialisation") from exc
    if not forms:
        raise XapiInvalid(path, "the JWS JSON serialisation carries no signature")
    return forms


def _named_key(header: dict[str, Any], path: tuple) -> RSAPublicKey | None:
    """The RSA public key the header names (x5c or jwk), or None when it names none."""
    if "x5c" in header:
        chain = header["x5c"]
        try:
            if not isinstance(chain, list) or not chain:
                raise ValueError("x5c must be a non-empty array")
            certificates = [
                x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in chain
            ]
        except (ValueError, TypeError, binascii.Error) as exc:
            raise XapiInvalid(path, "the signature's x5c is not a certificate chain") from exc
        for subject, issuer in itertools.pairwise(certificates):
            try:
                subject.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature) as exc:
                raise XapiInvalid(
                    path, "a certificate of the x5c chain is not issued by the next one"
                ) from exc
        key = certificates[0].public_key()
    elif "jwk" in header:
        try:
            key = jwt.PyJWK(header["jwk"]).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise XapiInvalid(path, "the signature's jwk is not a public key") from exc
    else:
        return None
    if not isinstance(key, RSAPublicKey):
        raise XapiInvalid(path, "the key the signature names is not an RSA public key")
    return key


def _verified_payload(token: str, *, path: tuple) -> Any:
    try:
        header = _JWS.get_unverified_header(token)
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise XapiInvalid(path, "a statement signature must use RS256, RS384 or RS512")
        key = _named_key(header, path)
        if key is None:
            decoded = _JWS.decode_complete(token, options={"verify_signature": False})
        else:
            decoded = _JWS.decode_complete(token, key=key, algorithms=[alg])
    except jwt.InvalidSignatureError as exc:
        raise XapiInvalid(path, "the signature does not verify with the key it names") from exc
    except jwt.PyJWTError as exc:
        raise XapiInvalid(path, f"the signature is not a valid JWS: {exc}") from exc
    try:
        return json.loads(decoded["payload"])
    except (ValueError, UnicodeDecodeError) as exc:
        raise XapiInvalid(path, "the signature's payload is not JSON") from exc


def signature_check(statement: dict[str, Any], jws: bytes, path: tuple, *, v2: bool) -> None:
    """Refuse (``XapiInvalid`` at ``path``) a signature that is malformed, does not
    verify, or does not sign ``statement`` (the statement as received)."""
    for token in _compact_forms(jws, v2=v2, path=path):
        payload = _verified_payload(token, path=path)
        if not isinstance(payload, dict):
            raise XapiInvalid(path, "the signature's payload is not a statement")
        if not statements_equivalent(payload, statement, v2=v2):
            raise XapiInvalid(path, "the signature's payload does not match the statement")
