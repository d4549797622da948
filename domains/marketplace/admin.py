"""Admin for learning spaces."""

from django.contrib import admin

from domains.marketplace.models import Space


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "is_online", "location", "capacity")
    list_filter = ("status", "is_online")
    search_fields = ("name", "location")
    readonly_fields = ("id", "created_at")
