"""Space owners: describe a space, submit its credentials, list it for booking."""

from functools import cache
from zoneinfo import available_timezones

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.marketplace.api.spaces import SpaceOutput
from domains.marketplace.domain.availability import InvalidOpeningHours, opening_hours_check
from domains.marketplace.domain.credentials import CredentialKind
from domains.marketplace.domain.spaces import ACCESSIBILITY_FEATURES
from domains.marketplace.models import SpaceCredential
from domains.marketplace.services.credentials import credential_submit
from domains.marketplace.services.spaces import space_create, space_list_for_booking


@cache
def _time_zones() -> frozenset[str]:
    """The IANA names this system knows (a scan of the zone files: done once)."""
    return frozenset(available_timezones())


class CredentialOutput(serializers.ModelSerializer):
    class Meta:
        model = SpaceCredential
        fields = (
            "id", "space_id", "kind", "issuer", "reference", "document_url", "expires_at",
            "status", "reviewed_at", "review_note", "submitted_at",
        )  # fmt: skip


class SpaceCreateApi(APIView):
    permission_classes = [Requires("space.manage_own")]

    class SpaceCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        is_online = serializers.BooleanField(default=False)
        location = serializers.CharField(required=False, allow_blank=True, max_length=300)
        capacity = serializers.IntegerField(min_value=1, max_value=10_000)
        seats = serializers.IntegerField(min_value=1, max_value=100, default=1)
        accessibility = serializers.ListField(
            child=serializers.ChoiceField(choices=sorted(ACCESSIBILITY_FEATURES)), default=list
        )
        opening_hours = serializers.JSONField(default=dict)
        timezone = serializers.CharField(max_length=64, default="UTC")
        buffer_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)
        rules = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        photo_urls = serializers.ListField(
            child=serializers.URLField(max_length=500), default=list, max_length=20
        )

        def validate_opening_hours(self, value):
            try:
                opening_hours_check(value)
            except InvalidOpeningHours as exc:
                raise serializers.ValidationError(str(exc)) from exc
            return value

        def validate_timezone(self, value):
            if value not in _time_zones():
                raise serializers.ValidationError("Use an IANA time zone, e.g. Europe/Lisbon.")
            return value

        def validate(self, attrs):
            if not attrs.get("is_online") and not attrs.get("location"):
                raise serializers.ValidationError({"location": ["A place, unless online."]})
            attrs["accessibility"] = sorted(set(attrs["accessibility"]))
            return attrs

    @extend_schema(
        operation_id="marketplace_space_create",
        request=SpaceCreateInputSerializer,
        responses={201: SpaceOutput},
    )
    def post(self, request):
        given = self.SpaceCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        space = space_create(owner_id=request.user.pk, **given.validated_data)
        return Response(SpaceOutput(space).data, status=status.HTTP_201_CREATED)


class SpacePublishApi(APIView):
    """List one's space for booking (409 without a verified, unexpired credential)."""

    permission_classes = [Requires("space.manage_own")]

    @extend_schema(
        operation_id="marketplace_space_publish", request=None, responses={200: SpaceOutput}
    )
    def post(self, request, space_id):
        space = space_list_for_booking(
            space_id=space_id, owner_id=request.user.pk, now=timezone.now()
        )
        return Response(SpaceOutput(space).data)


class CredentialSubmitApi(APIView):
    permission_classes = [Requires("space.manage_own")]

    class CredentialSubmitInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[k.value for k in CredentialKind])
        issuer = serializers.CharField(max_length=200)
        reference = serializers.CharField(max_length=200)
        document_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
        expires_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="marketplace_credential_submit",
        request=CredentialSubmitInputSerializer,
        responses={201: CredentialOutput},
    )
    def post(self, request, space_id):
        given = self.CredentialSubmitInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credential = credential_submit(
            space_id=space_id,
            owner_id=request.user.pk,
            now=timezone.now(),
            **given.validated_data,
        )
        return Response(CredentialOutput(credential).data, status=status.HTTP_201_CREATED)
