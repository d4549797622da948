"""Admin for ratings (moderators review them here).

Read-only: ``Rating`` is a projection of the ratings ledger, so an edit here would be
overwritten by the next rebuild and never reach the event store. Changes go through
the ledger (``services.rating_give``).
"""

from django.contrib import admin

from domains.reputation.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("ratee_id", "rater_id", "score", "context_type", "given_at")
    list_filter = ("context_type", "score")
    search_fields = ("=rater_id", "=ratee_id", "context_id")
    date_hierarchy = "given_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
