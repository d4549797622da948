"""Owners submit credentials; moderators verify or reject them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import transaction

from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.models import Space, SpaceCredential
from domains.marketplace.services import ALIAS
from domains.marketplace.services.errors import InvalidRequest, NotAllowed, StateConflict, found
from domains.marketplace.services.spaces import space_listing_follow_credentials


def credential_submit(
    *,
    space_id: UUID,
    owner_id: UUID,
    kind: str,
    issuer: str,
    reference: str,
    expires_at: datetime,
    document_url: str = "",
    now: datetime,
) -> SpaceCredential:
    """A credential waiting for a moderator; an already expired one is refused."""
    if expires_at <= now:
        raise InvalidRequest("This credential has already expired.", field="expires_at")
    with transaction.atomic(using=ALIAS):
        space = found(Space.objects.using(ALIAS), pk=space_id)
        if space.owner_id != owner_id:
            raise NotAllowed("Only the space's owner can submit its credentials.")
        return SpaceCredential.objects.using(ALIAS).create(
            space=space,
            kind=kind,
            issuer=issuer,
            reference=reference,
            expires_at=expires_at,
            document_url=document_url,
            submitted_at=now,
        )


def credential_review(
    *, credential_id: UUID, moderator_id: UUID, verified: bool, note: str = "", now: datetime
) -> SpaceCredential:
    """A moderator's verdict on a pending credential (row-locked: one verdict wins)."""
    with transaction.atomic(using=ALIAS):
        credential = found(
            SpaceCredential.objects.using(ALIAS).select_for_update(), pk=credential_id
        )
        if credential.status != CredentialStatus.PENDING:
            raise StateConflict(f"This credential was already {credential.status}.")
        credential.status = CredentialStatus.VERIFIED if verified else CredentialStatus.REJECTED
        credential.reviewed_by = moderator_id
        credential.reviewed_at = now
        credential.review_note = note
        credential.save(using=ALIAS)
        if verified:  # a renewal lists an unlisted space again, in this transaction
            space_listing_follow_credentials(space_id=credential.space_id, now=now)
    return credential


def credential_revoke(
    *, credential_id: UUID, moderator_id: UUID, note: str, now: datetime
) -> SpaceCredential:
    """Withdraw a verified credential; a space left without a valid one is unlisted."""
    if not note.strip():
        raise InvalidRequest("Say why the credential is revoked.", field="note")
    with transaction.atomic(using=ALIAS):
        credentials = SpaceCredential.objects.using(ALIAS).select_for_update()
        credential = found(credentials, pk=credential_id)
        if credential.status != CredentialStatus.VERIFIED:
            raise StateConflict(f"Only a verified credential can be revoked ({credential.status}).")
        credential.status = CredentialStatus.REVOKED
        credential.reviewed_by, credential.reviewed_at = moderator_id, now
        credential.review_note = note
        credential.save(using=ALIAS)
        space_listing_follow_credentials(
            space_id=credential.space_id, now=now, reason=f"its credential was revoked: {note}"
        )
    return credential
