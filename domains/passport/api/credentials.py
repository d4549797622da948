"""Credentials: issue and revoke (``credential.issue``), verify (anyone)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Public, Requires, is_admin
from domains.passport.models import Competency
from domains.passport.services import (
    credential_issue,
    credential_revoke,
    credential_verify,
)


class PassportCredentialOutput(serializers.Serializer):
    id = serializers.UUIDField()
    member_id = serializers.UUIDField()
    kind = serializers.CharField()
    url = serializers.CharField(source="document.id")
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    document = serializers.DictField()


class CredentialIssueApi(APIView):
    permission_classes = [Requires("credential.issue")]

    class CredentialIssueInputSerializer(serializers.Serializer):
        member_id = serializers.UUIDField()
        kind = serializers.ChoiceField(choices=["competency", "passport"])
        competency_id = serializers.UUIDField(required=False)
        #: 0: no expiry; absent: PASSPORT_CREDENTIAL_DAYS.
        valid_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)

        def validate(self, attrs):
            if attrs["kind"] == "competency":
                competency = attrs.get("competency_id")
                if (
                    not competency
                    or not Competency.objects.using("passport").filter(pk=competency).exists()
                ):
                    raise serializers.ValidationError(
                        {"competency_id": "Name an existing competency."}
                    )
            return attrs

    @extend_schema(
        operation_id="passport_credential_issue",
        request=CredentialIssueInputSerializer,
        responses={
            201: PassportCredentialOutput,
            400: OpenApiResponse(description="Invalid fields, or the member does not hold it."),
        },
    )
    def post(self, request):
        given = self.CredentialIssueInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credential = credential_issue(**given.validated_data, issued_by=request.user.id)
        return Response(PassportCredentialOutput(credential).data, status=status.HTTP_201_CREATED)


class CredentialRevokeApi(APIView):
    permission_classes = [Requires("credential.issue")]

    class CredentialRevokeInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="passport_credential_revoke",
        request=CredentialRevokeInputSerializer,
        responses={
            200: PassportCredentialOutput,
            404: OpenApiResponse(description="No such credential."),
            403: OpenApiResponse(description="Neither its issuer nor an admin."),
            409: OpenApiResponse(description="Already revoked."),
        },
    )
    def post(self, request, credential_id):
        given = self.CredentialRevokeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credential = credential_revoke(
            credential_id=credential_id, **given.validated_data, by=request.user.id,
            by_admin=is_admin(request.user),
        )  # fmt: skip
        return Response(PassportCredentialOutput(credential).data)


class CredentialVerifyApi(APIView):
    # Anyone holding a credential may ask whether it verifies.
    permission_classes = [Public]

    class CredentialVerifyInputSerializer(serializers.Serializer):
        credential = serializers.DictField()
        #: A status list snapshot to check against instead of the live one.
        status_list = serializers.DictField(required=False)

    class CredentialVerifyOutputSerializer(serializers.Serializer):
        verified = serializers.BooleanField()
        problems = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        operation_id="passport_credential_verify",
        request=CredentialVerifyInputSerializer,
        responses={200: CredentialVerifyOutputSerializer},
    )
    def post(self, request):
        given = self.CredentialVerifyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        problems = credential_verify(
            document=given.validated_data["credential"],
            status_list=given.validated_data.get("status_list"),
        )
        return Response({"verified": not problems, "problems": problems})
