"""Moderators: the anti-fraud decisions (flags) and their review."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.reputation.models import FraudDecision
from domains.reputation.selectors import fraud_decision_list
from domains.reputation.services import fraud_decision_review


class FraudDecisionOutput(serializers.ModelSerializer):
    class Meta:
        model = FraudDecision
        fields = (
            "id", "rating_id", "rater_id", "ratee_id", "rating_given_at", "rule", "factor",
            "reason", "decided_at", "overridden", "reviewed_by", "reviewed_at", "review_note",
        )  # fmt: skip


class FlagListApi(generics.ListAPIView):
    permission_classes = [Requires("content.moderate")]
    serializer_class = FraudDecisionOutput

    class FilterSerializer(serializers.Serializer):
        rule = serializers.ChoiceField(choices=[r for r, _ in FraudDecision.RULES], required=False)
        overridden = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return fraud_decision_list(**filters.validated_data)


# Applied after the class: the schema names a serializer nested in it.
FlagListApi = extend_schema_view(
    get=extend_schema(
        operation_id="reputation_flag_list", parameters=[FlagListApi.FilterSerializer]
    )
)(FlagListApi)


class FlagReviewApi(APIView):
    permission_classes = [Requires("content.moderate")]

    class FlagReviewInputSerializer(serializers.Serializer):
        overridden = serializers.BooleanField()
        note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")

    @extend_schema(
        operation_id="reputation_flag_review",
        request=FlagReviewInputSerializer,
        responses={200: FraudDecisionOutput},
    )
    def post(self, request, decision_id):
        given = self.FlagReviewInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            decision = fraud_decision_review(
                decision_id=decision_id,
                moderator=str(request.user.pk),
                now=timezone.now(),
                **given.validated_data,
            )
        except FraudDecision.DoesNotExist as exc:
            raise NotFound("No such decision.") from exc
        return Response(FraudDecisionOutput(decision).data)
