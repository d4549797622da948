"""``POST /api/v1/reputation/ratings``: the signed-in member rates another member."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.fields import StrictCharField, StrictUUIDField
from common.auth.permissions import Requires
from domains.reputation.domain.ledger import (
    CONTEXT_ID_MAX_LENGTH,
    CONTEXT_TYPE_MAX_LENGTH,
)
from domains.reputation.domain.ratings import MAX_SCORE, MIN_SCORE
from domains.reputation.services import rating_give


class RatingGiveApi(APIView):
    permission_classes = [Requires("rating.give")]

    class RatingGiveInputSerializer(serializers.Serializer):
        ratee_id = StrictUUIDField()
        context_type = StrictCharField(max_length=CONTEXT_TYPE_MAX_LENGTH)
        context_id = StrictCharField(max_length=CONTEXT_ID_MAX_LENGTH)
        score = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class RatingGiveOutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="rating_id")
        rater_id = serializers.UUIDField()
        ratee_id = serializers.UUIDField()
        context_type = serializers.CharField()
        context_id = serializers.CharField()
        score = serializers.IntegerField()
        comment = serializers.CharField()
        given_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="reputation_rating_give",
        request=RatingGiveInputSerializer,
        responses={
            201: RatingGiveOutputSerializer,
            400: OpenApiResponse(description="Invalid fields, or a rating of oneself."),
            409: OpenApiResponse(
                description="Already rated in this context, or the member's ledger "
                "changed meanwhile (retry)."
            ),
        },
    )
    def post(self, request):
        given = self.RatingGiveInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rating = rating_give(rater_id=request.user.id, **given.validated_data)
        return Response(
            self.RatingGiveOutputSerializer(rating).data, status=status.HTTP_201_CREATED
        )
