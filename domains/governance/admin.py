"""Admin for proposals."""

from django.contrib import admin

from domains.governance.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "quorum", "voting_deadline", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "summary")
    readonly_fields = ("id", "created_at", "updated_at")
