"""Events governance subscribes to (consumer group ``governance``).

Each handler runs inside the group's inbox transaction: its effect and the record
that the event was applied commit together, so a redelivery has no second effect.
Roles and reputation may arrive before the registration (different streams), so
they go to ``MemberStanding``, created on first mention.
"""

from contracts.envelope import Envelope
from contracts.identity.v1 import MemberRegistered, RoleGranted, RoleRevoked
from contracts.reputation.v1 import ReputationChanged
from domains.governance.models import Member, MemberStanding
from eventing.handlers import handles


@handles(MemberRegistered, group="governance", batch=True)
def members_registered(items: list[tuple[MemberRegistered, Envelope]]) -> None:
    # A plain insert, not an upsert: a second apply would be a bug and must fail loudly.
    Member.objects.bulk_create(
        Member(member_id=e.member_id, display_name=e.display_name, joined_at=e.joined_at)
        for e, _ in items
    )


def _standing(member_id) -> MemberStanding:
    MemberStanding.objects.get_or_create(member_id=member_id)
    return MemberStanding.objects.select_for_update().get(member_id=member_id)


@handles(RoleGranted, group="governance")
def role_granted(event: RoleGranted, envelope: Envelope) -> None:
    standing = _standing(event.member_id)
    if event.role not in standing.roles:
        standing.roles = sorted([*standing.roles, event.role])
        standing.save(update_fields=["roles", "updated_at"])


@handles(RoleRevoked, group="governance")
def role_revoked(event: RoleRevoked, envelope: Envelope) -> None:
    standing = _standing(event.member_id)
    if event.role in standing.roles:
        standing.roles = [r for r in standing.roles if r != event.role]
        standing.save(update_fields=["roles", "updated_at"])


@handles(ReputationChanged, group="governance")
def reputation_changed(event: ReputationChanged, envelope: Envelope) -> None:
    standing = _standing(event.member_id)
    # Streams may redeliver out of order after a retry: the later computation wins.
    if standing.reputation_at is None or event.computed_at >= standing.reputation_at:
        standing.reputation = event.score
        standing.reputation_at = event.computed_at
        standing.save(update_fields=["reputation", "reputation_at", "updated_at"])
