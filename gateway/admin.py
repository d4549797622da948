"""Admin for the route table: audited actions that ask for a reason, and the migration
dashboard (``/admin/gateway/route/dashboard/``).

The flag fields are read-only in the change form: a mode changes only through an action,
so that every change carries a reason and lands in the audit trail.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path

from gateway.dashboard import dashboard_view
from gateway.models import Route, ShadowMismatch
from gateway.services import FLAG_FIELDS, ChangeRefused, route_action

#: (action, percent, label) for each admin button.
_BUTTONS = [
    ("shadow", None, "Shadow (serve legacy, compare new)"),
    *[("canary", p, f"Canary {p} %") for p in (1, 5, 25, 50)],
    ("promote", None, "Promote to new"),
    ("roll-back", None, "Roll back to legacy"),
    ("retire", None, "Retire"),
    ("kill", None, "Kill switch: back to legacy now"),
    ("unkill", None, "Release the kill switch"),
]


def _make_action(action: str, percent: float | None, label: str):
    def run(modeladmin, request, queryset):
        if "apply" in request.POST:
            reason = request.POST.get("reason", "")
            actor = request.user.get_username()
            done = 0
            for route in queryset:
                try:
                    route_action(
                        route_id=route.id,
                        action=action,
                        percent=percent,
                        actor=actor,
                        reason=reason,
                    )
                    done += 1
                except ChangeRefused as exc:
                    modeladmin.message_user(request, f"{route.key}: {exc}", messages.ERROR)
            if done:
                modeladmin.message_user(
                    request, f"{label}: {done} route(s) changed.", messages.SUCCESS
                )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"{label}: why?",
            "routes": queryset,
            "action": request.POST["action"],
            "label": label,
            "opts": modeladmin.model._meta,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/gateway/action_reason.html", context)

    run.__name__ = f"route_{action.replace('-', '_')}_{int(percent or 0)}"
    run.short_description = label.replace("%", "%%")  # the admin %-formats it
    return run


class ShadowMismatchInline(admin.TabularInline):
    """A route's recorded mismatches (written by the shadow, never by hand)."""

    model = ShadowMismatch
    extra = 0
    can_delete = False
    fields = readonly_fields = ("occurred_at", "path", "legacy_status", "new_status", "diff")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("method", "path_pattern", "mode", "canary_percent", "killed", "last_legacy_at")
    list_filter = ("mode", "method", "killed")
    search_fields = ("path_pattern",)
    readonly_fields = (*FLAG_FIELDS[:6], "last_legacy_at", "last_new_at", "updated_at")
    actions = [_make_action(*button) for button in _BUTTONS]
    inlines = [ShadowMismatchInline]

    def get_urls(self):
        dashboard = self.admin_site.admin_view(dashboard_view(self.admin_site))
        return [path("dashboard/", dashboard, name="gateway_dashboard"), *super().get_urls()]
