"""Admin for proposals, the member directory, and read-only views of votes and the register.

Votes and register entries change only through the API (the events); the register's
proofs are at ``/api/v1/governance/register``.
"""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from domains.governance.models import Member, Proposal, RegisterEntry, Vote


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Kept editable (the lifecycle check in ``Proposal.clean`` guards it), but an edit
    here changes only the read model: a rebuild from the events undoes it."""

    list_display = ("title", "status", "method", "quorum", "voting_deadline", "outcome")
    list_filter = ("status", "method")
    search_fields = ("title", "summary")
    readonly_fields = ("id", "created_at", "updated_at")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read-only: the directory is fed by identity's events, never edited here."""

    list_display = ("display_name", "member_id", "joined_at", "recorded_at")
    search_fields = ("display_name", "=member_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("proposal_id", "member_id", "choice", "casts", "cast_at")


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ("index", "kind", "proposal_id", "root_hash", "timestamp_ms")
