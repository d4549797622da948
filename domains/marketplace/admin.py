"""Admin for spaces, their credentials (moderators verify here too), bookings and ratings.

Bookings and ratings are read-only: they change through the services, which keep the
outbox and the space's average in step; an edit here would bypass both.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone

from common.admin import ReadOnlyAdmin
from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.models import Booking, Space, SpaceCredential, SpaceRating


class SpaceForm(forms.ModelForm):
    """Fields added after the first release keep their defaults when a form leaves them out."""

    DEFAULTED = ("seats", "timezone", "buffer_minutes")

    class Meta:
        model = Space
        fields = (
            "owner_id", "name", "description", "is_online", "location", "capacity", "seats",
            "accessibility", "opening_hours", "timezone", "buffer_minutes", "rules",
            "photo_urls", "status",
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.DEFAULTED:
            if cleaned.get(name) in (None, ""):
                cleaned[name] = Space._meta.get_field(name).default
        return cleaned


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    form = SpaceForm
    list_display = (
        "name",
        "status",
        "is_online",
        "location",
        "capacity",
        "seats",
        "rating_average",
    )
    list_filter = ("status", "is_online")
    search_fields = ("name", "location")
    readonly_fields = ("id", "created_at", "rating_average", "rating_count")


@admin.register(SpaceCredential)
class SpaceCredentialAdmin(admin.ModelAdmin):
    list_display = ("space", "kind", "reference", "expires_at", "status", "reviewed_at")
    list_filter = ("status", "kind")
    search_fields = ("reference", "issuer", "space__name")
    readonly_fields = ("id", "reviewed_by", "reviewed_at", "submitted_at")
    actions = ["verify", "reject"]

    def _review(self, request, queryset, status):
        pending = queryset.filter(status=CredentialStatus.PENDING)
        count = pending.update(
            status=status, reviewed_by=request.user.pk, reviewed_at=timezone.now()
        )
        self.message_user(request, f"{count} pending credential(s) marked {status}.")

    @admin.action(description="Verify the selected pending credentials")
    def verify(self, request, queryset):
        self._review(request, queryset, CredentialStatus.VERIFIED)

    @admin.action(description="Reject the selected pending credentials")
    def reject(self, request, queryset):
        self._review(request, queryset, CredentialStatus.REJECTED)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("space", "seat", "member_id", "starts_at", "ends_at", "status")
    list_filter = ("status",)
    search_fields = ("=member_id", "space__name")
    date_hierarchy = "starts_at"


@admin.register(SpaceRating)
class SpaceRatingAdmin(ReadOnlyAdmin):
    list_display = ("space", "score", "member_id", "given_at", "replied_at")
    list_filter = ("score",)
