"""``POST /api/v1/reputation/ratings/<id>/edit``: the rater changes a recent rating."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.reputation.domain.ratings import MAX_SCORE, MIN_SCORE
from domains.reputation.services import rating_edit


class RatingEditApi(APIView):
    permission_classes = [Requires("rating.give")]

    class RatingEditInputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
        comment = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    class RatingEditOutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="rating_id")
        score = serializers.IntegerField()
        comment = serializers.CharField()
        edited_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="reputation_rating_edit",
        request=RatingEditInputSerializer,
        responses={200: RatingEditOutputSerializer},
    )
    def post(self, request, rating_id):
        given = self.RatingEditInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        edited = rating_edit(
            rating_id=rating_id, rater_id=request.user.pk, now=timezone.now(),
            **given.validated_data,
        )  # fmt: skip
        return Response(self.RatingEditOutputSerializer(edited).data)
