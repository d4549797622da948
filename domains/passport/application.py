"""The passport event store: credentials issued and revoked, in the passport database.

Issuance and revocation are announced to other domains as
``contracts.passport.v1.CredentialIssued`` / ``CredentialRevoked`` through the relay.
"""

from typing import Any

from contracts.events import Event
from contracts.passport.v1 import CredentialIssued, CredentialRevoked
from domains.passport.domain.credential import Credential
from eventing.eventstore import DomainApplication


class PassportApplication(DomainApplication):
    database_alias = "passport"

    def to_published(self, domain_event: Any) -> Event | None:
        if isinstance(domain_event, Credential.Issued):
            return CredentialIssued(
                credential_id=domain_event.originator_id,
                member_id=domain_event.member_id,
                kind=domain_event.kind,
                issued_at=domain_event.issued_at,
                expires_at=domain_event.expires_at,
            )
        if isinstance(domain_event, Credential.Revoked):
            return CredentialRevoked(
                credential_id=domain_event.originator_id,
                member_id=domain_event.member_id,
                reason=domain_event.reason,
                revoked_at=domain_event.at,
            )
        return None
