"""Space ratings: a member rates their ended booking, anyone reads them, owners reply."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Public, Requires
from domains.marketplace.models import SpaceRating
from domains.marketplace.selectors import space_rating_list
from domains.marketplace.services.ratings import space_rate, space_rating_reply


class SpaceRatingOutput(serializers.ModelSerializer):
    class Meta:
        model = SpaceRating
        fields = (
            "id", "space_id", "booking_id", "member_id", "score", "comment", "given_at",
            "owner_reply", "replied_at",
        )  # fmt: skip


class SpaceRateApi(APIView):
    permission_classes = [Requires("booking.create")]

    class SpaceRateInputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            required=False, allow_blank=True, max_length=2000, default=""
        )

    @extend_schema(
        operation_id="marketplace_space_rate",
        request=SpaceRateInputSerializer,
        responses={201: SpaceRatingOutput},
    )
    def post(self, request, booking_id):
        given = self.SpaceRateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rating = space_rate(
            booking_id=booking_id,
            member_id=request.user.pk,
            now=timezone.now(),
            **given.validated_data,
        )
        return Response(SpaceRatingOutput(rating).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(operation_id="marketplace_space_rating_list"))
class SpaceRatingListApi(generics.ListAPIView):
    permission_classes = [Public]
    serializer_class = SpaceRatingOutput

    def get_queryset(self):
        return space_rating_list(space_id=self.kwargs["space_id"])


class SpaceRatingReplyApi(APIView):
    permission_classes = [Requires("space.manage_own")]

    class SpaceRatingReplyInputSerializer(serializers.Serializer):
        reply = serializers.CharField(max_length=2000)

    @extend_schema(
        operation_id="marketplace_space_rating_reply",
        request=SpaceRatingReplyInputSerializer,
        responses={200: SpaceRatingOutput},
    )
    def post(self, request, rating_id):
        given = self.SpaceRatingReplyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rating = space_rating_reply(
            rating_id=rating_id,
            owner_id=request.user.pk,
            reply=given.validated_data["reply"],
            now=timezone.now(),
        )
        return Response(SpaceRatingOutput(rating).data)
