"""``/ops/gateway/``: the index; ``routes``: list, create, show, act on, edit and delete
routes; ``flags``: read and change kill-all and the degradation flags, with their audit
trail. Every change takes a reason and goes through ``gateway.services`` — validated, and
committed with its audit entry in one transaction — like the admin's and the command's."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api.permissions import AdminRole
from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import METHODS, GatewayState, Route
from gateway.services import (
    ACTIONS,
    DEGRADATION_FLAGS,
    gateway_flags_change,
    route_action,
    route_change,
    route_create,
    route_delete,
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


class RouteConfigSerializer(serializers.Serializer):
    """The configuration a route's change may set (mode moves through actions)."""

    legacy_target = serializers.CharField(max_length=300, required=False)
    new_target = serializers.CharField(max_length=300, required=False, allow_blank=True)
    translator = serializers.CharField(max_length=40, required=False, allow_blank=True)
    cohort_user_ids = serializers.ListField(child=serializers.UUIDField(), required=False)
    cohort_roles = serializers.ListField(child=serializers.CharField(), required=False)
    cohort_header = serializers.CharField(max_length=100, required=False, allow_blank=True)
    ignore_fields = serializers.ListField(child=serializers.CharField(), required=False)
    ignore_order = serializers.BooleanField(required=False)
    max_concurrency = serializers.IntegerField(min_value=0, required=False)
    reason = serializers.CharField(max_length=500)


def _config(validated: dict) -> tuple[dict, str]:
    """(the route fields, the reason) from a validated ``RouteConfigSerializer``."""
    values = dict(validated)
    reason = values.pop("reason")
    if "cohort_user_ids" in values:
        values["cohort_user_ids"] = [str(value) for value in values["cohort_user_ids"]]
    return values, reason


@extend_schema_view(get=extend_schema(operation_id="gateway_route_list", exclude=True))
class RouteListApi(generics.ListAPIView):
    permission_classes = [AdminRole]
    serializer_class = RouteOutput
    queryset = Route.objects.all()

    class CreateSerializer(RouteConfigSerializer):
        method = serializers.ChoiceField(choices=METHODS)
        path_pattern = serializers.CharField(max_length=300)
        legacy_target = serializers.CharField(max_length=300)

    @extend_schema(operation_id="gateway_route_create", exclude=True)
    def post(self, request):
        data = self.CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, reason = _config(data.validated_data)
        route = route_create(values=values, actor=actor_of(request), reason=reason)
        return Response(RouteOutput(route).data, status=201)


class OpsIndexApi(APIView):
    """What ``/ops/gateway/`` offers, and the flags as they stand."""

    permission_classes = [AdminRole]

    @extend_schema(operation_id="gateway_ops_index", exclude=True)
    def get(self, request):
        return Response({"routes": "routes", "flags": "flags", **_flags_output()})


class RouteDetailApi(APIView):
    permission_classes = [AdminRole]

    class DeleteSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(operation_id="gateway_route_detail", exclude=True)
    def get(self, request, route_id):
        route = get_object_or_404(Route, pk=route_id)
        return Response({**RouteOutput(route).data, "audit": audit_trail(subject_id=route.id)})

    @extend_schema(operation_id="gateway_route_edit", exclude=True)
    def patch(self, request, route_id):
        data = RouteConfigSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = get_object_or_404(Route, pk=route_id)
        changes, reason = _config(data.validated_data)
        route = route_change(
            route_id=route.id, changes=changes, actor=actor_of(request), reason=reason
        )
        return Response(RouteOutput(route).data)

    @extend_schema(operation_id="gateway_route_delete", exclude=True)
    def delete(self, request, route_id):
        """The reason in the body (``{"reason": ...}``) or the query (``?reason=...``)."""
        body = request.data if request.data else request.query_params
        data = self.DeleteSerializer(data=body)
        data.is_valid(raise_exception=True)
        route = get_object_or_404(Route, pk=route_id)
        route_delete(route_id=route.id, actor=actor_of(request), **data.validated_data)
        return Response(status=204)


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

    @extend_schema(operation_id="gateway_flags_read", exclude=True)
    def get(self, request):
        return Response({**_flags_output(), "audit": audit_trail(subject_id=GLOBAL_SUBJECT)})

    @extend_schema(operation_id="gateway_flags_change", exclude=True)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state = gateway_flags_change(actor=actor_of(request), **data.validated_data)
        return Response(
            {"kill_all": state.kill_all, "degraded": state.degraded, "version": state.version}
        )


def _flags_output() -> dict:
    state = GatewayState.objects.filter(pk=1).first() or GatewayState()
    return {
        "kill_all": state.kill_all,
        "degraded": {name: bool(state.degraded.get(name)) for name in DEGRADATION_FLAGS},
        "version": state.version,
    }
