"""Space catalogue: search (``GET spaces``), one space, and its availability.

Public: browsing needs no account. While ops have switched ``search_ranking`` off
under load (``common.degradation``), search skips ranking: the same spaces by name,
marked ``X-Degraded: search_ranking``.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from common.auth.permissions import Public
from common.degradation import degraded, mark_degraded
from domains.marketplace.domain.spaces import ACCESSIBILITY_FEATURES
from domains.marketplace.models import Space
from domains.marketplace.selectors import space_availability, space_get_listed, space_list

MAX_WINDOW = timedelta(days=14)
#: Availability is computed within this distance of now (and far dates cannot overflow).
HORIZON = timedelta(days=730)
RANKING_FLAG = "search_ranking"


class SpaceOutput(serializers.ModelSerializer):
    class Meta:
        model = Space
        fields = (
            "id", "owner_id", "name", "description", "is_online", "location", "capacity",
            "seats", "accessibility", "opening_hours", "timezone", "buffer_minutes", "rules",
            "photo_urls", "status", "rating_average", "rating_count",
        )  # fmt: skip


class SpaceListApi(generics.ListAPIView):
    permission_classes = [Public]
    serializer_class = SpaceOutput
    #: Decided once per request in ``get`` (False while search ranking is degraded).
    ranked = True

    class FilterSerializer(serializers.Serializer):
        min_capacity = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
        online = serializers.BooleanField(required=False, allow_null=True, default=None)
        place = serializers.CharField(required=False, max_length=100)
        accessibility = serializers.ListField(
            child=serializers.ChoiceField(choices=sorted(ACCESSIBILITY_FEATURES)),
            required=False,
            max_length=len(ACCESSIBILITY_FEATURES),
        )
        min_rating = serializers.FloatField(required=False, min_value=1, max_value=5)
        free_from = serializers.DateTimeField(required=False)
        free_until = serializers.DateTimeField(required=False)

        def validate(self, attrs):
            start, end = attrs.get("free_from"), attrs.get("free_until")
            if (start is None) != (end is None) or (
                start and not timedelta(0) < end - start <= MAX_WINDOW
            ):
                raise serializers.ValidationError(
                    {"free_until": ["Give free_from and free_until, at most 14 days apart."]}
                )
            return attrs

    @extend_schema(operation_id="marketplace_space_list", parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        self.ranked = not degraded(RANKING_FLAG)
        response = super().get(request, *args, **kwargs)
        return response if self.ranked else mark_degraded(response, RANKING_FLAG)

    def get_queryset(self):
        params = self.request.query_params
        data = {key: params.get(key) for key in params if key != "accessibility"}
        if "accessibility" in params:
            data["accessibility"] = params.getlist("accessibility")
        filters = self.FilterSerializer(data=data)
        filters.is_valid(raise_exception=True)
        return space_list(now=timezone.now(), ranked=self.ranked, **filters.validated_data)


@extend_schema_view(get=extend_schema(operation_id="marketplace_space_detail"))
class SpaceDetailApi(generics.RetrieveAPIView):
    permission_classes = [Public]
    serializer_class = SpaceOutput

    def get_object(self):
        return space_get_listed(space_id=self.kwargs["space_id"])


class SpaceAvailabilityListApi(generics.ListAPIView):
    """Free slots of a listed space: opening hours minus live bookings and buffers."""

    permission_classes = [Public]

    class FilterSerializer(serializers.Serializer):
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        duration_minutes = serializers.IntegerField(min_value=15, max_value=24 * 60)

        def validate(self, attrs):
            start, end = attrs["start"], attrs["end"]
            if not timedelta(0) < end - start <= MAX_WINDOW:
                raise serializers.ValidationError({"end": ["end is after start, within 14 days."]})
            if abs(start - timezone.now()) > HORIZON:
                raise serializers.ValidationError({"start": ["start is within two years of now."]})
            return attrs

    class SlotOutput(serializers.Serializer):
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        free_seats = serializers.IntegerField()

    serializer_class = SlotOutput

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        space = space_get_listed(space_id=self.kwargs["space_id"])
        given = filters.validated_data
        return space_availability(
            space=space,
            start=given["start"],
            end=given["end"],
            duration=timedelta(minutes=given["duration_minutes"]),
            now=timezone.now(),
        )


# Applied after the class: the schema names a serializer nested in it.
SpaceAvailabilityListApi = extend_schema_view(
    get=extend_schema(
        operation_id="marketplace_space_availability_list",
        parameters=[SpaceAvailabilityListApi.FilterSerializer],
    )
)(SpaceAvailabilityListApi)
