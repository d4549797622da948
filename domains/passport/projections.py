"""The ``CredentialRecord`` read model, projected from the credentials' event store.

A batch of events is applied in bulk: the issued credentials in one insert (with any
revocation of the same batch folded in), the revocations of earlier ones in one update.
"""

from typing import Any

from domains.passport.application import PassportApplication
from domains.passport.domain.credential import Credential
from domains.passport.models import CredentialRecord
from eventing.projections import Projection


class CredentialsProjection(Projection):
    name = "passport.credentials"
    application_class = PassportApplication
    read_models = (CredentialRecord,)

    def apply_batch(self, domain_events: list[Any]) -> None:
        model = self.model(CredentialRecord)
        issued, revoked = {}, {}
        for event in domain_events:
            if isinstance(event, Credential.Issued):
                issued[event.originator_id] = model(
                    id=event.originator_id,
                    member_id=event.member_id,
                    kind=event.kind,
                    document=event.document,
                    status_index=event.status_index,
                    issued_at=event.issued_at,
                    expires_at=event.expires_at,
                )
            elif isinstance(event, Credential.Revoked):
                record = issued.get(event.originator_id) or revoked.setdefault(
                    event.originator_id, model(id=event.originator_id)
                )
                record.revoked_at, record.reason = event.at, event.reason
        records = model.objects.using(self.alias)
        records.bulk_create(issued.values())
        if revoked:
            records.bulk_update(revoked.values(), ["revoked_at", "reason"])
