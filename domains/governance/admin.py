"""Admin for proposals and the member directory.

Votes, comments and the register are not here: they change only through the API
(the events), and the register is read with its proofs (``/api/v1/governance/register``).
"""

from django.contrib import admin

from domains.governance.models import Member, Proposal


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
