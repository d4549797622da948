"""Admin for ratings, anti-fraud decisions and reputations (moderators work here).

``Rating`` is read-only: it is a projection of the ratings ledger, so an edit here
would be overwritten by the next rebuild and never reach the event store. Changes go
through the ledger (``services.rating_give``). Fraud decisions are the moderators'
to review: overriding one (or upholding it again) goes through
``services.fraud_decision_review``, which recomputes and publishes the reputation.
"""

from django.contrib import admin
from django.utils import timezone

from common.admin import ReadOnlyAdmin
from domains.reputation.models import FraudDecision, MemberReputation, Rating, ReputationRecord
from domains.reputation.services import fraud_decision_review


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("ratee_id", "rater_id", "score", "context_type", "given_at")
    list_filter = ("context_type", "score")
    search_fields = ("=rater_id", "=ratee_id", "context_id")
    date_hierarchy = "given_at"


@admin.register(FraudDecision)
class FraudDecisionAdmin(admin.ModelAdmin):
    list_display = ("rule", "reason", "ratee_id", "rater_id", "rating_given_at", "overridden")
    list_filter = ("rule", "overridden")
    search_fields = ("=rater_id", "=ratee_id", "=rating_id")
    fields = (
        "rule", "factor", "reason", "rating_id", "rater_id", "ratee_id", "rating_given_at",
        "decided_at", "overridden", "review_note", "reviewed_by", "reviewed_at",
    )  # fmt: skip
    readonly_fields = tuple(f for f in fields if f not in ("overridden", "review_note"))
    actions = ["override", "uphold"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fraud_decision_review(
            decision_id=obj.pk,
            moderator=request.user.get_username(),
            overridden=obj.overridden,
            note=obj.review_note,
            now=timezone.now(),
        )

    def _review(self, request, queryset, overridden: bool) -> None:
        for decision in queryset:
            fraud_decision_review(
                decision_id=decision.pk,
                moderator=request.user.get_username(),
                overridden=overridden,
                note=decision.review_note,
                now=timezone.now(),
            )
        self.message_user(request, f"{queryset.count()} decision(s) reviewed.")

    @admin.action(description="Override: give the ratings their weight back")
    def override(self, request, queryset):
        self._review(request, queryset, True)

    @admin.action(description="Uphold: keep the weight removed")
    def uphold(self, request, queryset):
        self._review(request, queryset, False)


@admin.register(MemberReputation)
class MemberReputationAdmin(ReadOnlyAdmin):
    list_display = ("member_id", "score", "ratings_counted", "computed_at")
    search_fields = ("=member_id",)


@admin.register(ReputationRecord)
class ReputationRecordAdmin(ReadOnlyAdmin):
    list_display = ("member_id", "score", "ratings_counted", "computed_at", "cause")
    search_fields = ("=member_id",)
