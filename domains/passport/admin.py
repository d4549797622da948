"""Admin for competency frameworks, with their competencies inline."""

from django.contrib import admin

from domains.passport.models import Competency, CompetencyFramework


class CompetencyInline(admin.TabularInline):
    model = Competency
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
