"""Identity's event store (in the identity database): the role-assignment audit trail.

Nothing is published from here: ``RoleGranted``/``RoleRevoked`` leave identity through
the outbox, written in the same transaction as the assignment table
(``services.roles``).
"""

from domains.identity.domain.roles import MemberRoles
from eventing.eventstore import DomainApplication


class IdentityAudit(DomainApplication):
    database_alias = "identity"
    snapshotting_intervals = {MemberRoles: 100}
