"""Verifiable credentials (``domain.vc``), without a database: a signed credential
verifies; a one-character change, another issuer's key, an expiry, a future
``validFrom``, a revocation and a stale or foreign status list each fail, and say so."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domains.passport.domain import vc

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ISSUED = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
LIST_ID = "https://passport.example.org/status/1"


def credential(index: int = 7, **fields) -> dict:
    document = {
        "@context": [vc.VC_CONTEXT, vc.OB_CONTEXT],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "did:web:passport.example.org",
        "validFrom": vc.instant(ISSUED),
        "credentialSubject": {"id": "urn:uuid:member", "achievement": "Facilitation, level 2"},
        "credentialStatus": {
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": LIST_ID,
        },
    } | fields  # fmt: skip
    return vc.sign(document, key=KEY, verification_method="#key-1", created=ISSUED)


def status_list(revoked: set[int], *, valid_until: datetime, key=KEY, list_id=LIST_ID) -> dict:
    document = {
        "@context": [vc.VC_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "validUntil": vc.instant(valid_until),
        "credentialSubject": {"encodedList": vc.encode_status_list(revoked)},
    }
    return vc.sign(document, key=key, verification_method="#key-1", created=ISSUED)


NOW = ISSUED + timedelta(days=10)
FRESH = {"valid_until": NOW + timedelta(hours=1)}


def check(document, *, now=NOW, status=None, key=KEY) -> list[str]:
    status = status_list(set(), **FRESH) if status is None else status
    return vc.verify(document, public_key=key.public_key(), now=now, status_list=status)


def test_a_signed_credential_verifies():
    signed = credential()
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert signed["proof"]["proofValue"].startswith("z")
    assert check(signed) == []


def test_a_one_character_change_or_another_key_breaks_the_signature():
    signed = credential()
    altered = {**signed, "credentialSubject": {**signed["credentialSubject"]}}
    altered["credentialSubject"]["achievement"] = "Facilitation, level 3"
    assert check(altered) == [
        "signature: does not verify (the credential was altered, or another key signed it)"
    ]
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    assert check(signed, key=other)[0].startswith("signature: does not verify")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert check(unsigned) == ["proof: missing or not a DataIntegrityProof"]


def test_validity_dates_are_checked_against_now():
    assert check(credential(), now=ISSUED - timedelta(seconds=1)) == [
        f"not yet valid: valid from {vc.instant(ISSUED)}"
    ]
    until = ISSUED + timedelta(days=5)
    assert check(credential(validUntil=vc.instant(until))) == [
        f"expired: valid until {vc.instant(until)}"
    ]


def test_a_revoked_credential_is_reported_revoked_and_its_neighbours_are_not():
    revoked = status_list({7}, **FRESH)
    assert check(credential(index=7), status=revoked) == [
        "revoked: the issuer's status list marks this credential revoked"
    ]
    assert check(credential(index=6), status=revoked) == []
    assert check(credential(index=8), status=revoked) == []


def test_the_status_list_must_be_the_named_one_signed_fresh_and_obtainable():
    signed = credential()
    assert check(signed, status=status_list(set(), **FRESH, list_id=LIST_ID + "0")) == [
        "status: the status list given is not the one the credential names"
    ]
    forged = status_list(set(), **FRESH, key=Ed25519PrivateKey.generate())
    assert check(signed, status=forged) == ["status: the status list's signature does not verify"]
    stale = status_list(set(), valid_until=NOW)
    assert check(signed, status=stale)[0].startswith("status: the status list snapshot expired")
    assert vc.verify(signed, public_key=KEY.public_key(), now=NOW, status_list=None) == [
        "status: the status list could not be obtained"
    ]


def test_the_status_list_is_a_bitstring_most_significant_bit_first():
    encoded = vc.encode_status_list({0, 9, vc.STATUS_LIST_BITS - 1})
    assert encoded.startswith("u")
    set_bits = [i for i in (0, 1, 8, 9, 10, vc.STATUS_LIST_BITS - 1) if vc.status_bit(encoded, i)]
    assert set_bits == [0, 9, vc.STATUS_LIST_BITS - 1]
    with pytest.raises(ValueError, match="outside the list"):
        vc.status_bit(encoded, vc.STATUS_LIST_BITS)
    with pytest.raises(ValueError, match="multibase"):
        vc.status_bit(encoded[1:], 0)


@pytest.mark.parametrize("data", [b"", b"\0\0", b"\0\x01\xff", bytes(range(40))])
def test_base58_round_trips_keeping_leading_zero_bytes(data):
    assert vc.b58decode(vc.b58encode(data)) == data
