"""Admin for members, roles and permissions, keys and clients.

Role changes made here go through ``role_grant``/``role_revoke``, so they are audited
and published like changes over the API. Secrets are never shown: new ones are made
over the API (shown once). Signing keys are not here on purpose: they change only by
``manage.py rotate_signing_keys`` and are published at ``/.well-known/jwks.json``.
"""

from uuid import UUID

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils import timezone

from domains.identity.domain.catalogue import BASELINE_ROLE
from domains.identity.models import (
    ApiKey,
    Permission,
    Role,
    ServiceClient,
    User,
)
from domains.identity.services.roles import role_grant, role_revoke


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserEditForm(UserChangeForm):
    granted_roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.exclude(name=BASELINE_ROLE),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Every member is a {BASELINE_ROLE}. Changes are audited and published.",
    )

    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["granted_roles"].initial = list(
                self.instance.role_assignments.values_list("role_id", flat=True)
            )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_assignments__role")
    search_fields = ("email", "display_name")
    readonly_fields = ("id", "date_joined", "last_login", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("id", "email", "email_verified_at", "password")}),
        ("Profile", {"fields": ("display_name", "bio", "languages", "avatar_url", "visibility")}),
        ("Roles", {"fields": ("granted_roles",)}),
        ("Admin access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "granted_roles" not in form.cleaned_data:
            return
        user, by = form.instance, UUID(str(request.user.pk))
        wanted = {role.name for role in form.cleaned_data["granted_roles"]}
        held = set(user.role_assignments.values_list("role_id", flat=True))
        for role in sorted(wanted - held):
            role_grant(user=user, role=role, granted_by=by)
        for role in sorted(held - wanted):
            role_revoke(user=user, role=role, revoked_by=by)


@admin.register(Permission)
class PermissionAdmin(admin.ModelAdmin):
    list_display = ("name", "description")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    filter_horizontal = ("permissions",)


@admin.register(ServiceClient)
class ServiceClientAdmin(admin.ModelAdmin):
    list_display = ("name", "audiences", "scopes", "is_active", "created_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "user", "created_at", "last_used_at")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
