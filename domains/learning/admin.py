"""Admin for learning data: statements are read-only (immutable by the xAPI rules);
LRS clients are issued here too, their secret shown once on creation."""

from django.contrib import admin, messages

from common.admin import ReadOnlyAdmin
from domains.learning.models import Activity, LrsClient, Statement
from domains.learning.services.clients import lrs_client_credentials, secret_digest


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "iri", "activity_type", "created_at")
    search_fields = ("iri",)
    readonly_fields = ("id", "created_at")


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("id", "actor_ifi", "verb_id", "object_id", "stored", "voided")
    list_filter = ("voided",)
    search_fields = ("=id", "actor_ifi", "object_id")
    ordering = ("-stored",)


@admin.register(LrsClient)
class LrsClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "read_all", "is_active", "created_at")
    fields = ("name", "read_all", "is_active", "key", "created_at")
    readonly_fields = ("key", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.key, secret = lrs_client_credentials()
            obj.secret_digest = secret_digest(secret)
            messages.warning(
                request, f"LRS client key {obj.key}, secret {secret} (shown once; copy it now)."
            )
        super().save_model(request, obj, form, change)
