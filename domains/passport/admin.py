"""Admin for competency frameworks, their competencies and the rules that map learning
evidence to competency levels."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from domains.passport.models import (
    Competency,
    CompetencyFramework,
    CredentialRecord,
    Evidence,
    MappingRule,
)


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 1


class MappingRuleInline(admin.TabularInline):
    model = MappingRule
    extra = 1


@admin.register(CompetencyFramework)
class CompetencyFrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "created_at")
    search_fields = ("name",)
    inlines = [CompetencyInline]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "framework", "max_level")
    list_filter = ("framework",)
    search_fields = ("code", "name")
    inlines = [MappingRuleInline]


@admin.register(MappingRule)
class MappingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "competency",
        "level",
        "verb_id",
        "activity_id",
        "activity_type",
        "min_score",
        "min_count",
    )
    list_filter = ("level", "competency__framework")
    search_fields = ("verb_id", "activity_id", "competency__code")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("member_id", "verb_id", "object_id", "score_scaled", "timestamp", "voided_at")
    search_fields = ("=member_id", "object_id")


@admin.register(CredentialRecord)
class CredentialRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "member_id", "kind", "issued_at", "expires_at", "revoked_at")
    search_fields = ("=id", "=member_id")
