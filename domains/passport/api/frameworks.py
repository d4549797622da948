"""``GET /api/v1/passport/frameworks``: competency frameworks and their competencies."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
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


class FrameworkListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = FrameworkOutput

    @extend_schema(operation_id="passport_framework_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return framework_list()


class FrameworkDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = FrameworkOutput

    @extend_schema(operation_id="passport_framework_detail")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(framework_list(), pk=self.kwargs["framework_id"])
