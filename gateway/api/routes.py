"""``/ops/gateway/routes``: list, show, act on routes; ``/ops/gateway/flags``: kill-all
and degradation flags. Every change takes a reason and is audited like the admin's."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api.permissions import AdminRole
from gateway.audit import audit_trail
from gateway.models import Route
from gateway.services import (
    ACTIONS,
    DEGRADATION_FLAGS,
    gateway_flags_change,
    route_action,
)


def actor_of(request) -> str:
    return f"member:{request.user.id}"


class RouteOutput(serializers.ModelSerializer):
    class Meta:
        model = Route
        fields = (
            "id", "method", "path_pattern", "legacy_target", "new_target", "translator", "mode",
            "canary_percent", "cohort_user_ids", "cohort_roles", "cohort_header", "killed",
            "ignore_fields", "ignore_order", "max_concurrency", "last_legacy_at", "last_new_at",
            "updated_at",
        )  # fmt: skip


class RouteListApi(generics.ListAPIView):
    permission_classes = [AdminRole]
    serializer_class = RouteOutput
    queryset = Route.objects.all()

    @extend_schema(operation_id="gateway_route_list", exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RouteDetailApi(APIView):
    permission_classes = [AdminRole]

    @extend_schema(operation_id="gateway_route_detail", exclude=True)
    def get(self, request, route_id):
        route = get_object_or_404(Route, pk=route_id)
        return Response({**RouteOutput(route).data, "audit": audit_trail(subject_id=route.id)})


class RouteActionApi(APIView):
    permission_classes = [AdminRole]

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=ACTIONS)
        percent = serializers.FloatField(required=False, min_value=0.01, max_value=100)
        reason = serializers.CharField(max_length=500)

    @extend_schema(operation_id="gateway_route_action", exclude=True)
    def post(self, request, route_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = get_object_or_404(Route, pk=route_id)
        route = route_action(route_id=route.id, actor=actor_of(request), **data.validated_data)
        return Response(RouteOutput(route).data)


class GatewayFlagsApi(APIView):
    permission_classes = [AdminRole]

    class InputSerializer(serializers.Serializer):
        kill_all = serializers.BooleanField(required=False, allow_null=True, default=None)
        degraded = serializers.DictField(child=serializers.BooleanField(), required=False)
        reason = serializers.CharField(max_length=500)

        def validate_degraded(self, value):
            unknown = set(value) - set(DEGRADATION_FLAGS)
            if unknown:
                raise serializers.ValidationError(f"Unknown flags: {', '.join(sorted(unknown))}.")
            return value

    @extend_schema(operation_id="gateway_flags_change", exclude=True)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state = gateway_flags_change(actor=actor_of(request), **data.validated_data)
        return Response(
            {"kill_all": state.kill_all, "degraded": state.degraded, "version": state.version}
        )
