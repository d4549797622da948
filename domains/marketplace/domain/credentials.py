"""Space credentials: what makes a space bookable, and when it stops being so.

A space is bookable at a moment if it is listed and holds at least one verified
credential that has not expired at that moment. Expiry is a comparison with the clock
of whoever asks, so a lapsed credential stops bookings from that moment with no job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CredentialKind(StrEnum):
    SAFETY_CERTIFICATE = "safety_certificate"
    INSURANCE = "insurance"


class CredentialStatus(StrEnum):
    #: Submitted by the owner, waiting for a moderator.
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    #: Verified once, withdrawn by a moderator (a certificate found void).
    REVOKED = "revoked"


@dataclass(frozen=True)
class CredentialFact:
    status: str
    expires_at: datetime


def credential_valid_at(credential: CredentialFact, at: datetime) -> bool:
    return credential.status == CredentialStatus.VERIFIED and at < credential.expires_at


def credentials_allow_booking(credentials: Iterable[CredentialFact], at: datetime) -> bool:
    return any(credential_valid_at(c, at) for c in credentials)
