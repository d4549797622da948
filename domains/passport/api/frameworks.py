"""``GET /api/v1/passport/frameworks``: competency frameworks and their competencies."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from common.auth.permissions import Public
from domains.passport.models import Competency, CompetencyFramework
from domains.passport.selectors import framework_list


class CompetencyOutput(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ("id", "code", "name", "description", "max_level")


class FrameworkOutput(serializers.ModelSerializer):
    competencies = CompetencyOutput(many=True, read_only=True)

    class Meta:
        model = CompetencyFramework
        fields = ("id", "name", "version", "description", "created_at", "competencies")


@extend_schema_view(get=extend_schema(operation_id="passport_framework_list"))
class FrameworkListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = FrameworkOutput

    def get_queryset(self):
        return framework_list()


@extend_schema_view(get=extend_schema(operation_id="passport_framework_detail"))
class FrameworkDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = FrameworkOutput

    def get_object(self):
        return get_object_or_404(framework_list(), pk=self.kwargs["framework_id"])
