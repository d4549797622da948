"""``GET /api/v1/marketplace/spaces``: listed spaces, filtered by capacity and format."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from common.auth.permissions import Public
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space
from domains.marketplace.selectors import space_list


class SpaceOutput(serializers.ModelSerializer):
    class Meta:
        model = Space
        fields = (
            "id", "owner_id", "name", "description", "is_online",
            "location", "capacity", "accessibility", "status",
        )  # fmt: skip


class SpaceListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = SpaceOutput

    class FilterSerializer(serializers.Serializer):
        min_capacity = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
        online = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(operation_id="marketplace_space_list", parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return space_list(**filters.validated_data)


class SpaceDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = SpaceOutput

    @extend_schema(operation_id="marketplace_space_detail")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(Space, pk=self.kwargs["space_id"], status=SpaceStatus.LISTED)
