"""xAPI-Data §2.6 (1.0.3) and IEEE 9274.1.1 §4.2.6 (2.0): signed statements.

Real JWS signatures made with generated RSA keys and X.509 certificates: the LRS
verifies a signature against the certificate (``x5c``) or key (``jwk``) it names,
refuses other algorithms, malformed signatures and payloads that are not the
statement (by each version's comparison rules), and stores and returns a valid one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm
from jwt.api_jws import PyJWS

from domains.learning.models import Attachment, Statement
from domains.learning.tests.xapi.conftest import new_id, statement
from domains.learning.tests.xapi.test_attachments import BOUNDARY, attachment_object, multipart

pytestmark = pytest.mark.django_db(databases=["learning"])

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(subject_key, *, name: str, issuer_key=None, issuer: str | None = None):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or name)]))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
    )
    return builder.sign(issuer_key or subject_key, hashes.SHA256())


def _der(certificate) -> str:
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


@pytest.fixture(scope="module")
def pki():
    """A CA, a signer certified by it, and an unrelated key."""
    ca_key, signer_key, other_key = _key(), _key(), _key()
    ca = _certificate(ca_key, name="Example CA")
    signer = _certificate(signer_key, name="Course player", issuer_key=ca_key, issuer="Example CA")
    other = _certificate(other_key, name="Someone else")
    return {
        "ca": ca,
        "signer": signer,
        "signer_key": signer_key,
        "other": other,
        "other_key": other_key,
    }


def jws(payload, key, *, alg: str = "RS256", headers: dict | None = None) -> bytes:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return PyJWS().encode(raw, key, algorithm=alg, headers=headers).encode()


def signed_post(lrs, body: dict, token: bytes, **headers):
    """POST ``body`` signed by ``token`` as multipart/mixed (Communication §1.5.2)."""
    sig = attachment_object(token, usageType=SIGNATURE, contentType="application/octet-stream")
    signed = {**body, "attachments": [*body.get("attachments", []), sig]}
    return send(lrs, signed, [(token, sig["sha2"], "application/octet-stream")], **headers)


def send(lrs, statements, parts, **headers):
    return lrs.post(
        multipart(statements, parts),
        content_type=f'multipart/mixed; boundary="{BOUNDARY}"',
        **headers,
    )


def detail(response) -> str:
    return response.json()["errors"][0]["detail"]


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_data_2_6_a_signature_verified_with_its_x5c_chain_is_stored_and_returned(lrs, pki, alg):
    body = statement(id=new_id())
    token = jws(
        body, pki["signer_key"], alg=alg, headers={"x5c": [_der(pki["signer"]), _der(pki["ca"])]}
    )
    response = signed_post(lrs, body, token)
    assert response.status_code == 200, response.content
    assert bytes(Attachment.objects.get(sha2=hashlib.sha256(token).hexdigest()).content) == token
    got = lrs.get("statements", {"statementId": body["id"], "attachments": "true"})
    assert got.status_code == 200
    assert got["Content-Type"].startswith("multipart/mixed")
    assert token in got.content
    assert SIGNATURE.encode() in got.content  # the attachment object, in the statement part


def test_data_2_6_a_signature_with_a_jwk_is_verified_with_that_key(lrs, pki):
    body = statement(id=new_id())
    jwk = json.loads(RSAAlgorithm.to_jwk(pki["signer_key"].public_key()))
    assert (
        signed_post(lrs, body, jws(body, pki["signer_key"], headers={"jwk": jwk})).status_code
        == 200
    )
    wrong = json.loads(RSAAlgorithm.to_jwk(pki["other_key"].public_key()))
    again = {**body, "id": new_id()}
    response = signed_post(lrs, again, jws(again, pki["signer_key"], headers={"jwk": wrong}))
    assert response.status_code == 400
    assert "does not verify" in detail(response)


def test_data_2_6_a_signature_that_does_not_verify_with_its_certificate_is_400(lrs, pki):
    body = statement(id=new_id())
    # Signed with the signer's key but naming someone else's certificate.
    token = jws(body, pki["signer_key"], headers={"x5c": [_der(pki["other"])]})
    response = signed_post(lrs, body, token)
    assert response.status_code == 400
    assert "does not verify" in detail(response)
    # A signature with one bit flipped after signing (in the decoded bytes: a flipped
    # base64 character could decode to the same bytes, or be no base64 at all).
    good = jws(body, pki["signer_key"], headers={"x5c": [_der(pki["signer"])]})
    head, payload, signature = good.split(b".")
    raw = bytearray(base64.urlsafe_b64decode(signature + b"=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    tampered = b".".join([head, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=")])
    assert signed_post(lrs, body, tampered).status_code == 400
    assert Statement.objects.count() == 0


def test_data_2_6_an_x5c_chain_whose_certificates_do_not_chain_is_400(lrs, pki):
    body = statement(id=new_id())
    token = jws(body, pki["signer_key"], headers={"x5c": [_der(pki["signer"]), _der(pki["other"])]})
    response = signed_post(lrs, body, token)
    assert response.status_code == 400
    assert "issued" in detail(response)
    garbage = jws(body, pki["signer_key"], headers={"x5c": ["bm90IGEgY2VydGlmaWNhdGU="]})
    assert signed_post(lrs, body, garbage).status_code == 400


@pytest.mark.parametrize("alg", ["HS256", "PS256", "ES256", "none"])
def test_data_2_6_s4_b4_an_algorithm_other_than_rs256_384_512_is_400(lrs, pki, alg):
    body = statement(id=new_id())
    key = {
        "HS256": b"a-shared-secret-of-32-bytes-long!",
        "PS256": pki["signer_key"],
        "ES256": ec.generate_private_key(ec.SECP256R1()),
        "none": None,
    }[alg]
    response = signed_post(lrs, body, jws(body, key, alg=alg))
    assert response.status_code == 400
    assert "RS256, RS384 or RS512" in detail(response)


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


@pytest.mark.parametrize(
    "make",
    [
        lambda body, key: b"not a jws",
        lambda body, key: b"two.parts",
        lambda body, key: b"%%%." + _b64(json.dumps(body).encode()) + b".c2ln",
        lambda body, key: jws(b"this is not json", key),
        lambda body, key: jws([body], key),
        lambda body, key: "ünïcode".encode(),
    ],
    ids=["not-jws", "two-segments", "bad-header", "payload-not-json", "payload-array", "non-ascii"],
)
def test_data_2_6_s5_b1_a_malformed_signature_is_400(lrs, pki, make):
    body = statement(id=new_id())
    response = signed_post(lrs, body, make(body, pki["signer_key"]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "attachments.0"
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda s: {**s, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}},
        lambda s: {**s, "actor": {**s["actor"], "mbox": "mailto:other@example.com"}},
        lambda s: {**s, "id": new_id()},
        lambda s: {**s, "timestamp": "2020-01-01T00:00:00Z"},
        lambda s: {**s, "result": {"duration": "PT1.001S"}},
    ],
    ids=["verb", "actor", "other-id", "other-timestamp", "extra-result"],
)
def test_data_2_6_s5_b3_a_payload_that_is_not_the_statement_is_400(lrs, pki, change):
    body = statement(id=new_id(), timestamp="2026-01-01T10:00:00Z")
    token = jws(change(body), pki["signer_key"], headers={"x5c": [_der(pki["signer"])]})
    response = signed_post(lrs, body, token)
    assert response.status_code == 400
    assert "does not match" in detail(response)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: {k: v for k, v in s.items() if k not in ("id", "timestamp")},
        lambda s: {
            **s,
            "version": "1.0.0",
            "stored": "2026-01-01T00:00:00Z",
            "authority": {"mbox": "mailto:lrs@example.com"},
        },
        lambda s: {**s, "timestamp": "2026-01-01T11:00:00.000+01:00"},
        lambda s: {**s, "id": s["id"].upper()},
        lambda s: {**s, "verb": {**s["verb"], "display": {"fr": "a terminé"}}},
        lambda s: {**s, "object": {**s["object"], "definition": {"name": {"de": "Anders"}}}},
        lambda s: {**s, "context": {"contextActivities": {"parent": {"id": "http://a.example/p"}}}},
    ],
    ids=[
        "no-id-no-timestamp",
        "lrs-set",
        "other-zone",
        "id-case",
        "verb-display",
        "definition",
        "single-context-activity",
    ],
)
def test_data_2_3_1_differences_the_comparison_ignores_do_not_fail_the_signature(lrs, pki, change):
    body = statement(
        id=new_id(),
        timestamp="2026-01-01T10:00:00Z",
        context={"contextActivities": {"parent": [{"id": "http://a.example/p"}]}},
    )
    token = jws(change(body), pki["signer_key"], headers={"x5c": [_der(pki["signer"])]})
    response = signed_post(lrs, body, token)
    assert response.status_code == 200, response.content


def test_data_2_3_1_b5_group_members_are_unordered(lrs, pki):
    members = [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}]
    body = statement(id=new_id(), actor={"objectType": "Group", "member": members})
    payload = {**body, "actor": {"objectType": "Group", "member": members[::-1]}}
    assert signed_post(lrs, body, jws(payload, pki["signer_key"])).status_code == 200


def test_data_2_6_a_signature_without_a_key_is_checked_for_form_and_payload(lrs, pki):
    """No x5c or jwk: nothing to verify against, but the form and payload rules hold."""
    body = statement(id=new_id())
    assert signed_post(lrs, body, jws(body, pki["other_key"])).status_code == 200


def test_4_2_6_case_and_duration_precision_are_ignored_in_2_0_only(lrs, pki):
    def attempt(version_headers):
        body = statement(id=new_id(), result={"duration": "PT1.0012S"})
        payload = {
            **body,
            "actor": {**body["actor"], "name": "ANA"},
            "result": {"duration": "PT1.0049S"},
        }
        token = jws(payload, pki["signer_key"], headers={"x5c": [_der(pki["signer"])]})
        return signed_post(lrs, body, token, **version_headers)

    assert attempt({}).status_code == 400  # 1.0.3: name case and duration string differ
    assert attempt(V2).status_code == 200  # 2.0: case ignored, durations to 0.01 s


def test_4_2_6_the_jws_json_serialisation_is_1_0_3_only(lrs, pki):
    body = statement(id=new_id())
    head, payload, signature = jws(body, pki["signer_key"]).decode().split(".")
    flattened = json.dumps({"protected": head, "payload": payload, "signature": signature}).encode()
    assert signed_post(lrs, body, flattened).status_code == 200
    again = {**body, "id": new_id()}
    head, payload, signature = jws(again, pki["signer_key"]).decode().split(".")
    general = json.dumps(
        {"payload": payload, "signatures": [{"protected": head, "signature": signature}]}
    ).encode()
    response = signed_post(lrs, again, general, **V2)
    assert response.status_code == 400
    assert "compact" in detail(response)


def test_data_2_6_s4_b1_a_signature_must_be_octet_stream_and_sent_as_a_part(lrs, pki):
    body = statement(id=new_id())
    token = jws(body, pki["signer_key"])
    sig = attachment_object(token, usageType=SIGNATURE, contentType="text/plain")
    response = send(lrs, {**body, "attachments": [sig]}, [(token, sig["sha2"], "text/plain")])
    assert response.status_code == 400
    remote = attachment_object(
        token,
        usageType=SIGNATURE,
        contentType="application/octet-stream",
        fileUrl="https://files.example/sig.jws",
    )
    assert lrs.post({**body, "attachments": [remote]}).status_code == 400


def test_data_2_6_a_batch_with_one_bad_signature_stores_nothing(lrs, pki):
    good, bad = statement(id=new_id()), statement(id=new_id())
    tokens = [
        jws(good, pki["signer_key"]),
        jws({**bad, "verb": {"id": "http://v.example/x"}}, pki["signer_key"]),
    ]
    batch, parts = [], []
    for body, token in zip([good, bad], tokens, strict=True):
        sig = attachment_object(token, usageType=SIGNATURE, contentType="application/octet-stream")
        batch.append({**body, "attachments": [sig]})
        parts.append((token, sig["sha2"], "application/octet-stream"))
    response = send(lrs, batch, parts)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "1.attachments.0"
    assert Statement.objects.count() == 0
