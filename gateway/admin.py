"""Admin for the route table (ops change modes here)."""

from django.contrib import admin

from gateway.models import Route


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("method", "path_pattern", "mode", "legacy_target", "updated_at")
    list_filter = ("mode", "method")
    search_fields = ("path_pattern",)
