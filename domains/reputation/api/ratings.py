"""``GET /api/v1/reputation/members/<id>/ratings``: ratings that count for a member now."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from common.auth.permissions import Requires
from domains.reputation.models import Rating
from domains.reputation.selectors import rating_list_counting


class RatingOutput(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = (
            "id",
            "rater_id",
            "ratee_id",
            "context_type",
            "context_id",
            "score",
            "comment",
            "given_at",
        )


@extend_schema_view(get=extend_schema(operation_id="reputation_member_rating_list"))
class MemberRatingListApi(generics.ListAPIView):
    permission_classes = [Requires("rating.read")]
    serializer_class = RatingOutput

    def get_queryset(self):
        return rating_list_counting(ratee_id=self.kwargs["member_id"], now=timezone.now())
