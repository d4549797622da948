"""Writes of passport data: issuing and revoking credentials, share links, status lists.

A credential is built from the member's passport as it stands, signed with the
issuer key, and recorded as a ``Credential`` aggregate (event-sourced). Its status
slot, its events and its read model row are written in one passport transaction (the
event store writes on Django's connection): all of them commit, or none.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from eventsourcing.application import AggregateNotFoundError

from common import clock
from common.refusals import Conflict, Invalid, NotFound
from domains.passport import issuer
from domains.passport.application import PassportApplication
from domains.passport.domain import vc
from domains.passport.domain.credential import Credential
from domains.passport.metrics import CREDENTIALS_ISSUED
from domains.passport.models import (
    Competency,
    CredentialRecord,
    Endorsement,
    ShareLink,
    StatusSlot,
)
from domains.passport.projections import CredentialsProjection
from domains.passport.selectors import SECTIONS, passport_read
from eventing.eventstore import get_application
from eventing.projections import projection_catch_up


class NotHeld(Invalid):
    """The member does not hold what the credential would claim."""

    field = "member_id"


class CredentialNotFound(NotFound):
    pass


class SectionsRefused(Invalid):
    """A share link asked for a section the passport does not have."""

    field = "sections"


class SelfEndorsement(Invalid):
    """A member may not endorse themselves."""

    field = "member_id"


def _status_index() -> int:
    with transaction.atomic(using="passport"):
        index = StatusSlot.objects.using("passport").create().pk - 1
    if index >= vc.STATUS_LIST_BITS:
        raise RuntimeError("The status list is full; start a second list.")
    return index


def _subject(*, member_id: UUID, kind: str, competency_id: UUID | None) -> tuple[str, dict]:
    # The member's current snapshot when there is one (aggregated now otherwise): a
    # credential claims exactly what the passport shows.
    passport, _ = passport_read(member_id=member_id, sections=("competencies", "evidence"))
    subject: dict[str, Any] = {"id": f"urn:uuid:{member_id}"}
    if kind == "passport":
        if not passport["competencies"]:
            raise NotHeld("The member holds no competency yet: nothing to put in a passport.")
        subject["type"] = ["LearningPassport"]
        subject["competencies"] = [
            {k: c[k] for k in ("framework", "code", "name", "level", "level_name")}
            | {"evidence_count": len(c["evidence"])}
            for c in passport["competencies"]
        ]
        return "Learning passport", subject
    held = next(
        (c for c in passport["competencies"] if c["competency_id"] == str(competency_id)), None
    )
    if held is None:
        raise NotHeld("The member's evidence does not show this competency.")
    competency = (
        Competency.objects.using("passport").select_related("framework").get(pk=competency_id)
    )
    subject["type"] = ["AchievementSubject"]
    framework_url = f"{issuer.origin()}/api/v1/passport/frameworks/{competency.framework_id}"
    subject["achievement"] = {
        "id": f"{framework_url}#{competency.code}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": competency.name,
        "description": competency.description or competency.name,
        "criteria": {"narrative": f"Shown by {len(held['evidence'])} learning record(s)."},
    }
    subject["result"] = [
        {"type": ["Result"], "achievedLevel": f"{held['level']} {held['level_name']}"}
    ]
    return competency.name, subject


def credential_issue(
    *,
    member_id: UUID,
    kind: str,
    competency_id: UUID | None = None,
    valid_days: int | None = None,
    issued_by: UUID | None = None,
) -> Credential:
    """Issue a ``competency`` credential (one competency) or a ``passport`` credential."""
    with transaction.atomic(using="passport"):
        return _credential_issue(
            member_id=member_id, kind=kind, competency_id=competency_id, valid_days=valid_days,
            issued_by=issued_by,
        )  # fmt: skip


def _credential_issue(
    *, member_id: UUID, kind: str, competency_id: UUID | None, valid_days: int | None,
    issued_by: UUID | None,
) -> Credential:  # fmt: skip
    now = clock.now()
    days = settings.PASSPORT_CREDENTIAL_DAYS if valid_days is None else valid_days
    expires = now + timedelta(days=days) if days else None
    name, subject = _subject(member_id=member_id, kind=kind, competency_id=competency_id)
    credential_id, index = uuid4(), _status_index()
    document: dict[str, Any] = {
        "@context": [vc.VC_CONTEXT, vc.OB_CONTEXT],
        "id": issuer.credential_url(credential_id),
        "type": [
            "VerifiableCredential",
            "OpenBadgeCredential" if kind == "competency" else "LearningPassportCredential",
        ],
        "issuer": {
            "id": issuer.issuer_id(),
            "type": ["Profile"],
            "name": settings.PASSPORT_ISSUER_NAME,
        },
        "name": name,
        "validFrom": vc.instant(now),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{issuer.status_list_url()}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": issuer.status_list_url(),
        },
    }
    if expires:
        document["validUntil"] = vc.instant(expires)
    signed = vc.sign(
        document,
        key=issuer.issuer_key(),
        verification_method=issuer.verification_method(),
        created=now,
    )
    credential = Credential(
        credential_id=credential_id,
        member_id=member_id,
        kind=kind,
        document=signed,
        status_index=index,
        issued_at=now,
        expires_at=expires,
        issued_by=issued_by,
    )
    get_application(PassportApplication).save(credential)
    CREDENTIALS_ISSUED.inc()
    _catch_up()
    return credential


def credential_revoke(
    *, credential_id: UUID, reason: str, by: UUID, by_admin: bool = False
) -> Credential:
    """Raises ``NotIssuer`` unless ``by`` issued it or is an admin."""
    app = get_application(PassportApplication)
    with transaction.atomic(using="passport"):
        try:
            credential = app.repository.get(credential_id)
        except AggregateNotFoundError as exc:
            raise CredentialNotFound(f"No credential {credential_id}.") from exc
        credential.revoke(reason=reason, at=clock.now(), by=by, by_admin=by_admin)
        app.save(credential)
        _catch_up()
    return credential


def _catch_up() -> None:
    """The read model follows, in the transaction that appended."""
    projection_catch_up(projection=CredentialsProjection())


def status_list_credential() -> dict[str, Any]:
    """The signed revocation status list as it stands, valid for the configured TTL."""
    now = clock.now()
    revoked = set(
        CredentialRecord.objects.using("passport")
        .filter(revoked_at__isnull=False)
        .values_list("status_index", flat=True)
    )
    document = {
        "@context": [vc.VC_CONTEXT],
        "id": issuer.status_list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.issuer_id(),
        "validFrom": vc.instant(now),
        "validUntil": vc.instant(
            now + timedelta(seconds=settings.PASSPORT_STATUS_LIST_TTL_SECONDS)
        ),
        "credentialSubject": {
            "id": f"{issuer.status_list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": vc.encode_status_list(revoked),
        },
    }
    return vc.sign(
        document,
        key=issuer.issuer_key(),
        verification_method=issuer.verification_method(),
        created=now,
    )


def credential_verify(
    *, document: dict[str, Any], status_list: dict[str, Any] | None = None
) -> list[str]:
    """Why ``document`` does not verify now (empty: it does), against the live status list
    or the given snapshot."""
    return vc.verify(
        document,
        public_key=issuer.public_key(),
        now=clock.now(),
        status_list=status_list if status_list is not None else status_list_credential(),
    )


def share_create(*, member_id: UUID, sections: list[str]) -> ShareLink:
    unknown = set(sections) - set(SECTIONS)
    if unknown or not sections:
        raise SectionsRefused(f"Choose sections among {', '.join(SECTIONS)}.")
    with transaction.atomic(using="passport"):
        return ShareLink.objects.using("passport").create(
            member_id=member_id, sections=sorted(set(sections))
        )


class AlreadyEndorsed(Conflict):
    pass


def endorsement_create(
    *, member_id: UUID, competency_id: UUID, endorser_id: UUID, comment: str = ""
) -> Endorsement:
    """A mentor vouches for a member's competency; once per mentor and competency."""
    if str(member_id) == str(endorser_id):
        raise SelfEndorsement("A member cannot endorse themselves.")
    try:
        with transaction.atomic(using="passport"):
            return Endorsement.objects.using("passport").create(
                member_id=member_id,
                competency_id=competency_id,
                endorser_id=endorser_id,
                comment=comment,
            )
    except IntegrityError as exc:
        raise AlreadyEndorsed("You have endorsed this competency of this member already.") from exc
