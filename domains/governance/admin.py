"""Admin for proposals."""

from django.contrib import admin

from domains.governance.models import Member, Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "quorum", "voting_deadline", "created_at")
    list_filter = ("status",)
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
