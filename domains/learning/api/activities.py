"""``GET /api/v1/learning/activities``: the catalogue of known activities."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from common.auth.permissions import Public
from domains.learning.models import Activity
from domains.learning.selectors import activity_list


class ActivityOutput(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ("id", "iri", "name", "activity_type", "created_at")


class ActivityListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ActivityOutput

    class FilterSerializer(serializers.Serializer):
        activity_type = serializers.CharField(required=False, max_length=2048)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return activity_list(**filters.validated_data)


# Applied after the class: the schema names a serializer nested in it.
ActivityListApi = extend_schema_view(
    get=extend_schema(
        operation_id="learning_activity_list", parameters=[ActivityListApi.FilterSerializer]
    )
)(ActivityListApi)


@extend_schema_view(get=extend_schema(operation_id="learning_activity_detail"))
class ActivityDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ActivityOutput

    def get_object(self):
        return get_object_or_404(Activity, pk=self.kwargs["activity_id"])
