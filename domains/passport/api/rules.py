"""Competency frameworks and mapping rules over the API: create (``credential.issue``), list."""

from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.problems import Conflict
from common.auth.permissions import Public, Requires
from domains.passport.api.frameworks import FrameworkOutput
from domains.passport.domain.levels import Level
from domains.passport.models import Competency, CompetencyFramework, MappingRule


class FrameworkCreateApi(APIView):
    permission_classes = [Requires("credential.issue")]

    class FrameworkCompetencyInputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=60)
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True)
        max_level = serializers.ChoiceField(
            choices=[lv.value for lv in Level], default=Level.EXPERT
        )

    class FrameworkCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        version = serializers.CharField(max_length=40)
        description = serializers.CharField(required=False, allow_blank=True)
        competencies = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(
        operation_id="passport_framework_create",
        request=FrameworkCreateInputSerializer,
        responses={201: FrameworkOutput},
    )
    def post(self, request):
        given = self.FrameworkCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        items = []
        for item in data.pop("competencies"):
            competency = self.FrameworkCompetencyInputSerializer(data=item)
            competency.is_valid(raise_exception=True)
            items.append(competency.validated_data)
        try:
            with transaction.atomic(using="passport"):
                framework = CompetencyFramework.objects.using("passport").create(**data)
                Competency.objects.using("passport").bulk_create(
                    Competency(framework=framework, **item) for item in items
                )
        except IntegrityError as exc:
            raise Conflict(
                "That framework version, or a competency code in it, exists already."
            ) from exc
        return Response(FrameworkOutput(framework).data, status=status.HTTP_201_CREATED)


class RuleOutput(serializers.ModelSerializer):
    level = serializers.IntegerField()

    class Meta:
        model = MappingRule
        fields = (
            "id",
            "competency",
            "level",
            "verb_id",
            "activity_id",
            "activity_type",
            "min_score",
            "min_count",
        )


@extend_schema_view(get=extend_schema(operation_id="passport_rule_list"))
class RuleListApi(generics.ListAPIView):
    # Public: how competencies are recognised is part of what a credential means.
    permission_classes = [Public]
    serializer_class = RuleOutput

    def get_queryset(self):
        return MappingRule.objects.using("passport").all()


class RuleCreateApi(APIView):
    permission_classes = [Requires("credential.issue")]

    class RuleCreateInputSerializer(serializers.ModelSerializer):
        level = serializers.IntegerField(min_value=Level.AWARE, max_value=Level.EXPERT)

        class Meta:
            model = MappingRule
            fields = (
                "competency",
                "level",
                "verb_id",
                "activity_id",
                "activity_type",
                "min_score",
                "min_count",
            )

        def validate(self, attrs):
            if attrs["level"] > attrs["competency"].max_level:
                raise serializers.ValidationError(
                    {"level": "Above the competency's highest level."}
                )
            return attrs

    @extend_schema(
        operation_id="passport_rule_create",
        request=RuleCreateInputSerializer,
        responses={201: RuleOutput},
    )
    def post(self, request):
        given = self.RuleCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with transaction.atomic(using="passport"):
            rule = MappingRule.objects.using("passport").create(**given.validated_data)
        return Response(RuleOutput(rule).data, status=status.HTTP_201_CREATED)
