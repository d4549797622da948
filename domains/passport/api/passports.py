"""A member's passport (the owner, or ``credential.issue``), and share links the owner makes.

While ``passport_reaggregation`` is degraded, the passport's competencies are the
member's last snapshot (``aggregation.py``), marked ``X-Degraded``.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from common.degradation import degraded, mark_degraded
from domains.passport.aggregation import FLAG
from domains.passport.issuer import origin
from domains.passport.models import Competency
from domains.passport.selectors import SECTIONS, passport_read
from domains.passport.services import endorsement_create, share_create


class PassportDetailApi(APIView):
    permission_classes = [Requires("credential.issue", owner_kwarg="member_id")]

    @extend_schema(
        operation_id="passport_member_passport",
        responses={200: OpenApiResponse(description="The passport.")},
    )
    def get(self, request, member_id):
        passport, from_snapshot = passport_read(member_id=member_id, reaggregate=not degraded(FLAG))
        response = Response(passport)
        return mark_degraded(response, FLAG) if from_snapshot else response


class ShareCreateApi(APIView):
    # The owner chooses what a link shows; mentors may make one for a member too.
    permission_classes = [Requires("credential.issue", owner_kwarg="member_id")]

    class ShareCreateInputSerializer(serializers.Serializer):
        sections = serializers.ListField(
            child=serializers.ChoiceField(choices=SECTIONS), min_length=1
        )

    class ShareCreateOutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        sections = serializers.ListField(child=serializers.CharField())
        url = serializers.CharField()

    @extend_schema(
        operation_id="passport_share_create",
        request=ShareCreateInputSerializer,
        responses={201: ShareCreateOutputSerializer},
    )
    def post(self, request, member_id):
        given = self.ShareCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        share = share_create(member_id=member_id, sections=given.validated_data["sections"])
        body = {"id": share.id, "sections": share.sections, "url": f"{origin()}/p/s/{share.id}"}
        return Response(self.ShareCreateOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class EndorsementCreateApi(APIView):
    # Mentors (credential.issue) vouch for a member's competency.
    permission_classes = [Requires("credential.issue")]

    class EndorsementCreateInputSerializer(serializers.Serializer):
        competency_id = serializers.PrimaryKeyRelatedField(
            queryset=Competency.objects.using("passport").all()
        )
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @extend_schema(
        operation_id="passport_endorsement_create",
        request=EndorsementCreateInputSerializer,
        responses={201: OpenApiResponse(description="Endorsed."), 409: OpenApiResponse(
            description="Already endorsed by you.")},
    )  # fmt: skip
    def post(self, request, member_id):
        given = self.EndorsementCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endorsement = endorsement_create(
            member_id=member_id,
            competency_id=given.validated_data["competency_id"].pk,
            endorser_id=request.user.pk,
            comment=given.validated_data.get("comment", ""),
        )
        return Response({"id": str(endorsement.id)}, status=status.HTTP_201_CREATED)
