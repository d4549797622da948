"""Admin for spaces, their credentials (moderators verify here too), bookings and ratings.

Bookings and ratings are read-only: they change through the services, which keep the
outbox and the space's average in step; an edit here would bypass both.
"""

from django.contrib import admin
from django.utils import timezone

from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.models import Booking, Space, SpaceCredential, SpaceRating


class CredentialInline(admin.TabularInline):
    model = SpaceCredential
    extra = 0
    fields = ("kind", "issuer", "reference", "expires_at", "status", "reviewed_at")
    readonly_fields = ("reviewed_at",)


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
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
    inlines = [CredentialInline]


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


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(_ReadOnly):
    list_display = ("space", "seat", "member_id", "starts_at", "ends_at", "status")
    list_filter = ("status",)
    search_fields = ("=member_id", "space__name")
    date_hierarchy = "starts_at"


@admin.register(SpaceRating)
class SpaceRatingAdmin(_ReadOnly):
    list_display = ("space", "score", "member_id", "given_at", "replied_at")
    list_filter = ("score",)
