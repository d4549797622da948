"""Admin for learning data."""

from django.contrib import admin

from domains.learning.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "iri", "activity_type", "created_at")
    search_fields = ("iri",)
    readonly_fields = ("id", "created_at")
