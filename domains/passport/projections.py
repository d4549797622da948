"""The ``CredentialRecord`` read model, projected from the credentials' event store."""

from typing import Any

from domains.passport.application import PassportApplication
from domains.passport.domain.credential import Credential
from domains.passport.models import CredentialRecord
from eventing.projections import Projection


class CredentialsProjection(Projection):
    name = "passport.credentials"
    application_class = PassportApplication
    read_models = (CredentialRecord,)

    def apply(self, domain_event: Any) -> None:
        records = self.model(CredentialRecord).objects.using(self.alias)
        if isinstance(domain_event, Credential.Issued):
            records.create(
                id=domain_event.originator_id,
                member_id=domain_event.member_id,
                kind=domain_event.kind,
                document=domain_event.document,
                status_index=domain_event.status_index,
                issued_at=domain_event.issued_at,
                expires_at=domain_event.expires_at,
            )
        elif isinstance(domain_event, Credential.Revoked):
            records.filter(id=domain_event.originator_id).update(
                revoked_at=domain_event.at, reason=domain_event.reason
            )
