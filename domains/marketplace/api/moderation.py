"""Moderators: the credentials waiting for review, and their verdict."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.marketplace.api.owners import CredentialOutput
from domains.marketplace.selectors import credential_list_pending
from domains.marketplace.services.credentials import credential_review, credential_revoke


@extend_schema_view(get=extend_schema(operation_id="marketplace_credential_pending_list"))
class CredentialPendingListApi(generics.ListAPIView):
    permission_classes = [Requires("content.moderate")]
    serializer_class = CredentialOutput

    def get_queryset(self):
        return credential_list_pending()


class CredentialReviewApi(APIView):
    permission_classes = [Requires("content.moderate")]

    class CredentialReviewInputSerializer(serializers.Serializer):
        verified = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(
        operation_id="marketplace_credential_review",
        request=CredentialReviewInputSerializer,
        responses={200: CredentialOutput},
    )
    def post(self, request, credential_id):
        given = self.CredentialReviewInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credential = credential_review(
            credential_id=credential_id,
            moderator_id=request.user.pk,
            now=timezone.now(),
            **given.validated_data,
        )
        return Response(CredentialOutput(credential).data)


class CredentialRevokeApi(APIView):
    """Withdraw a verified credential (found void); the space is unlisted if it has no
    other valid one, and listed again when a renewal is verified."""

    permission_classes = [Requires("content.moderate")]

    class SpaceCredentialRevokeInputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, help_text="Why (kept on the credential).")

    @extend_schema(
        operation_id="marketplace_credential_revoke",
        summary="Revoke a verified space credential",
        request=SpaceCredentialRevokeInputSerializer,
        responses={200: CredentialOutput},
    )
    def post(self, request, credential_id):
        given = self.SpaceCredentialRevokeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credential = credential_revoke(
            credential_id=credential_id, moderator_id=request.user.pk,
            note=given.validated_data["note"], now=timezone.now(),
        )  # fmt: skip
        return Response(CredentialOutput(credential).data)
