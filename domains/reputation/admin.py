"""Admin for ratings (moderators review them here)."""

from django.contrib import admin

from domains.reputation.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("ratee_id", "rater_id", "score", "context_type", "given_at")
    list_filter = ("context_type", "score")
    search_fields = ("=rater_id", "=ratee_id", "context_id")
    readonly_fields = ("id",)
    date_hierarchy = "given_at"
