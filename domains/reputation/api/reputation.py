"""A member's reputation: the score now, each rating's points (explanation), history.

The explanation traces every point to the rating event behind it: the ledger (the
rated member's aggregate id) and the event's version in it, with the weight, the
rater's standing and every discount applied, each with its rule and reason.

While ops have switched ``reputation_weighting`` off under load (``common.degradation``),
the score and the explanation are the unweighted fallback
(``selectors.reputation_unweighted``: every rating at weight 1, no standing, no
discounts), same fields and scale, marked ``X-Degraded: reputation_weighting``.

Time travel, for support and the demo: ``?as_of=<ISO 8601>`` computes the score and
the explanation at that moment from the ratings recorded (capped to now: the future is
not predicted); without it "now" is the real time, shifted by the demo clock
``DEMO_CLOCK_SHIFT_DAYS`` (refused outside DEBUG). Rater standing and fraud decisions
are read as they are today.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from common.degradation import degraded, mark_degraded
from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.domain.scoring import FLOOR
from domains.reputation.models import ReputationRecord
from domains.reputation.selectors import (
    completed_activity_evidence,
    completed_booking_ids,
    reputation_compute,
    reputation_current,
    reputation_history,
    reputation_unweighted,
)

FLAG = "reputation_weighting"


AS_OF = OpenApiParameter(
    "as_of", str, description="Compute at this moment (ISO 8601 with offset); capped to now."
)


def moment(request):
    """The moment a read computes at: ``as_of`` (capped to now) or now on the demo clock."""
    now = timezone.now() + timedelta(days=settings.DEMO_CLOCK_SHIFT_DAYS)
    raw = request.query_params.get("as_of")
    if raw is None:
        return now
    try:
        as_of = parse_datetime(raw.replace(" ", "+"))  # a "+" left unencoded in a query
    except ValueError:
        as_of = None
    if as_of is None or as_of.tzinfo is None:
        raise exceptions.ValidationError(
            {"as_of": ["An ISO 8601 date and time with its offset, e.g. 2026-11-01T12:00Z."]}
        )
    return min(as_of, now)


def _reputation(*, member_id, now, weighted: bool):
    compute = reputation_compute if weighted else reputation_unweighted
    return compute(member_id=member_id, now=now)


class MemberReputationApi(APIView):
    permission_classes = [Requires("rating.read")]

    class ReputationOutputSerializer(serializers.Serializer):
        member_id = serializers.UUIDField()
        score = serializers.FloatField()
        raw_total = serializers.FloatField()
        floor = serializers.FloatField()
        ratings_counted = serializers.IntegerField()
        ratings_discounted = serializers.IntegerField()
        window_days = serializers.IntegerField()
        computed_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="reputation_member_reputation",
        responses=ReputationOutputSerializer,
        parameters=[AS_OF],
    )
    def get(self, request, member_id):
        now = moment(request)
        weighted = not degraded(FLAG)
        # The stored aggregate when it holds (milliseconds); the unweighted fallback
        # while degraded.
        reputation = (
            reputation_current(member_id=member_id, now=now)
            if weighted
            else reputation_unweighted(member_id=member_id, now=now)
        )
        body = {
            "member_id": member_id,
            "score": reputation.score,
            "raw_total": reputation.raw_total,
            "floor": FLOOR,
            "ratings_counted": reputation.ratings_counted,
            "ratings_discounted": reputation.ratings_discounted,
            "window_days": RATING_LIFETIME.days,
            "computed_at": now,
        }
        response = Response(self.ReputationOutputSerializer(body).data)
        return response if weighted else mark_degraded(response, FLAG)


class DiscountOutput(serializers.Serializer):
    rule = serializers.CharField()
    factor = serializers.FloatField()
    reason = serializers.CharField()


class ContextEvidenceOutput(serializers.Serializer):
    """What verifies a rating given in an activity's context: the statement showing the
    rater finished it and its xAPI ``authority`` (the member themselves, an LRS client or
    a service), counted only where ``EVIDENCE_TRUSTED_AUTHORITIES`` trusts that writer."""

    statement_id = serializers.UUIDField()
    authority = serializers.CharField()
    completed_at = serializers.DateTimeField()


class ContributionOutput(serializers.Serializer):
    rating_id = serializers.UUIDField(source="rating.rating_id")
    rater_id = serializers.UUIDField(source="rating.rater_id")
    score = serializers.IntegerField(source="rating.score")
    given_at = serializers.DateTimeField(source="rating.given_at")
    counts_until = serializers.SerializerMethodField()
    context_type = serializers.CharField(source="rating.context_type")
    context_id = serializers.CharField(source="rating.context_id")
    context_verified = serializers.SerializerMethodField()
    context_evidence = serializers.SerializerMethodField()
    ledger_id = serializers.UUIDField(source="rating.ledger_id")
    ledger_version = serializers.IntegerField(source="rating.ledger_version")
    standing_weight = serializers.FloatField()
    discounts = DiscountOutput(many=True)
    weight = serializers.FloatField()
    points = serializers.FloatField()

    def get_counts_until(self, contribution) -> str:
        return (contribution.rating.given_at + RATING_LIFETIME).isoformat()

    def get_context_verified(self, contribution) -> bool:
        rating = contribution.rating
        if rating.context_type == "activity":
            return self.get_context_evidence(contribution) is not None
        return rating.context_id in self.context.get("completed_bookings", ())

    @extend_schema_field(ContextEvidenceOutput(allow_null=True))
    def get_context_evidence(self, contribution) -> dict | None:
        """The xAPI statement that verifies an activity context, and its authority."""
        rating = contribution.rating
        if rating.context_type != "activity":
            return None
        pair = (str(rating.rater_id), rating.context_id)
        evidence = self.context.get("completed_activities", {}).get(pair)
        return None if evidence is None else ContextEvidenceOutput(evidence).data


class MemberExplanationListApi(generics.ListAPIView):
    """Each rating that counts now, its weight, its discounts and its points."""

    permission_classes = [Requires("rating.read")]
    serializer_class = ContributionOutput
    #: Decided once per request in ``get`` (False while weighting is degraded).
    weighted = True

    @extend_schema(operation_id="reputation_member_explanation_list", parameters=[AS_OF])
    def get(self, request, *args, **kwargs):
        self.weighted = not degraded(FLAG)
        response = super().get(request, *args, **kwargs)
        return response if self.weighted else mark_degraded(response, FLAG)

    def get_queryset(self):
        member_id, now = self.kwargs["member_id"], moment(self.request)
        return _reputation(member_id=member_id, now=now, weighted=self.weighted).contributions

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        ratings = [c.rating for c in page]
        self._bookings = completed_booking_ids(
            context_ids=[r.context_id for r in ratings if r.context_type == "booking"]
        )
        self._activities = completed_activity_evidence(
            pairs=[(r.rater_id, r.context_id) for r in ratings if r.context_type == "activity"]
        )
        return page

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "completed_bookings": self._bookings,
            "completed_activities": self._activities,
        }


class ReputationRecordOutput(serializers.ModelSerializer):
    class Meta:
        model = ReputationRecord
        fields = ("score", "ratings_counted", "computed_at", "cause")


@extend_schema_view(get=extend_schema(operation_id="reputation_member_history_list"))
class MemberReputationHistoryListApi(generics.ListAPIView):
    """Every change of a member's reputation, newest first."""

    permission_classes = [Requires("rating.read")]
    serializer_class = ReputationRecordOutput

    def get_queryset(self):
        return reputation_history(member_id=self.kwargs["member_id"])
