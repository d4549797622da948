"""Admin for the route table and the gateway's flags: every change asks why, is
validated at save time and audited through ``gateway.services`` (the same path as the
command and ``/ops/gateway/``), and each object's History page reads that audit trail.

A route's mode, canary share and kill switch change through actions (``Canary…`` takes
any percentage); its targets, translator, cohort rules and shadow rules through the
change form, which needs a reason; a route is deleted by the "Delete the route" action
(the admin's own delete, which asks no reason, is off). "Gateway flags" holds the
kill-all switch and the degradation flags. The migration dashboard is at
``/admin/gateway/route/dashboard/``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path

from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.dashboard import dashboard_view
from gateway.models import GatewayState, Route, ShadowMismatch
from gateway.services import (
    DEGRADATION_FLAGS,
    EDITABLE_FIELDS,
    ChangeRefused,
    gateway_flags_change,
    route_action,
    route_change,
    route_create,
    route_delete,
    validate_route_config,
)

#: (action, percent, label) for each admin button; percent "ask": the reason page asks.
_BUTTONS = [
    ("shadow", None, "Shadow (serve legacy, compare new)"),
    ("canary", "ask", "Canary… (any percentage)"),
    *[("canary", p, f"Canary {p} %") for p in (1, 5, 25, 50)],
    ("promote", None, "Promote to new"),
    ("roll-back", None, "Roll back to legacy"),
    ("retire", None, "Retire"),
    ("kill", None, "Kill switch: back to legacy now"),
    ("unkill", None, "Release the kill switch"),
    ("delete", None, "Delete the route (asks why; its history stays)"),
]


def _make_action(action: str, percent: float | None, label: str):
    def run(modeladmin, request, queryset):
        if "apply" in request.POST:
            reason = request.POST.get("reason", "")
            actor = request.user.get_username()
            chosen = percent
            if percent == "ask":
                try:
                    chosen = float(request.POST.get("percent", ""))
                except ValueError:
                    modeladmin.message_user(request, "Give a percentage.", messages.ERROR)
                    return None
            done = 0
            for route in queryset:
                try:
                    if action == "delete":
                        route_delete(route_id=route.id, actor=actor, reason=reason)
                    else:
                        route_action(
                            route_id=route.id,
                            action=action,
                            percent=chosen,
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
            "ask_percent": percent == "ask",
        }
        return TemplateResponse(request, "admin/gateway/action_reason.html", context)

    suffix = "any" if percent == "ask" else int(percent or 0)
    run.__name__ = f"route_{action.replace('-', '_')}_{suffix}"
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


def _diff(before: dict, after: dict) -> list[tuple[str, tuple]]:
    """The values an audited change moved, flattened one level (``degraded``)."""
    flat_before, flat_after = {}, {}
    for flat, values in ((flat_before, before or {}), (flat_after, after or {})):
        for name, value in values.items():
            if isinstance(value, dict):
                flat.update({f"{name}.{key}": item for key, item in value.items()})
            else:
                flat[name] = value
    names = sorted(set(flat_before) | set(flat_after))
    return [
        (name, (flat_before.get(name), flat_after.get(name)))
        for name in names
        if flat_before.get(name) != flat_after.get(name)
    ]


def _history(modeladmin, request, subject_id, title):
    """The History page from the audit trail (the event store), not Django's admin log,
    which never sees changes made by the command or the REST API."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "changes": [
            {**change, "diff": _diff(change["before"], change["after"])}
            for change in reversed(audit_trail(subject_id=subject_id))
        ],
    }
    return TemplateResponse(request, "admin/gateway/history.html", context)


class RouteForm(forms.ModelForm):
    """The editable configuration, checked like every other change path checks it."""

    reason = forms.CharField(
        max_length=500, help_text="Why (kept in the audit trail, shown in History)."
    )

    class Meta:
        model = Route
        fields = ("method", "path_pattern", *EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        creating = self.instance._state.adding
        probe = Route(path_pattern=data.get("path_pattern")) if creating else self.instance
        names = EDITABLE_FIELDS if creating else set(self.changed_data) & set(EDITABLE_FIELDS)
        changes = {name: data[name] for name in names if name in data}
        for problem in validate_route_config(probe, changes, creating=creating):
            self.add_error("cohort_roles" if "cohort_roles" in problem else None, problem)
        return data


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    form = RouteForm
    list_display = ("method", "path_pattern", "mode", "canary_percent", "killed", "last_legacy_at")
    list_filter = ("mode", "method", "killed")
    search_fields = ("path_pattern",)
    #: Mode, canary share and kill switch move through the actions (each asks why).
    readonly_fields = ("mode", "canary_percent", "killed", "last_legacy_at", "last_new_at",
                       "updated_at")  # fmt: skip
    actions = [_make_action(*button) for button in _BUTTONS]
    inlines = [ShadowMismatchInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Deleting goes through the "Delete the route" action, which asks why and
        audits it; the admin's own delete would do neither."""
        return False

    def get_readonly_fields(self, request, obj=None):
        fixed = ("method", "path_pattern") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        """Through the audited service; the form already ran its checks."""
        actor, reason = request.user.get_username(), form.cleaned_data["reason"]
        if change:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in EDITABLE_FIELDS and name not in self.readonly_fields
            }
            if changes:
                route_change(route_id=obj.pk, changes=changes, actor=actor, reason=reason)
            obj.refresh_from_db()
        else:
            values = {
                name: form.cleaned_data[name]
                for name in ("method", "path_pattern", *EDITABLE_FIELDS)
                if name in form.cleaned_data and name not in self.readonly_fields
            }
            created = route_create(values=values, actor=actor, reason=reason)
            obj.pk = created.pk

    def history_view(self, request, object_id, extra_context=None):
        route = self.get_object(request, object_id)
        if route is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return _history(self, request, route.id, f"History of {route.key}")

    def get_urls(self):
        dashboard = self.admin_site.admin_view(dashboard_view(self.admin_site))
        return [path("dashboard/", dashboard, name="gateway_dashboard"), *super().get_urls()]


class GatewayFlagsForm(forms.ModelForm):
    """Kill-all and one checkbox per degradation flag, saved through the service."""

    reason = forms.CharField(max_length=500, help_text="Why (kept in the audit trail).")

    class Meta:
        model = GatewayState
        fields = ("kill_all",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        degraded = self.instance.degraded or {}
        for name in DEGRADATION_FLAGS:
            self.fields[f"degraded_{name}"].initial = bool(degraded.get(name))


# One declared checkbox per flag (the admin's form factory keeps declared fields only).
GatewayFlagsForm = type(
    "GatewayFlagsForm",
    (GatewayFlagsForm,),
    {
        f"degraded_{name}": forms.BooleanField(
            required=False,
            label=f"Degraded: {name.replace('_', ' ')}",
            help_text="On: this work is switched off; the domains answer with their fallback.",
        )
        for name in DEGRADATION_FLAGS
    },
)


@admin.register(GatewayState)
class GatewayStateAdmin(admin.ModelAdmin):
    """The one row of global flags ("Gateway flags")."""

    form = GatewayFlagsForm
    list_display = ("__str__", "kill_all", "degraded", "updated_at")
    readonly_fields = ("version", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not GatewayState.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            state = gateway_flags_change(
                actor=request.user.get_username(), reason=data["reason"],
                kill_all=data["kill_all"],
                degraded={name: data[f"degraded_{name}"] for name in DEGRADATION_FLAGS},
            )  # fmt: skip
        except ChangeRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = state.pk

    def history_view(self, request, object_id, extra_context=None):
        return _history(self, request, GLOBAL_SUBJECT, "History of the gateway flags")
