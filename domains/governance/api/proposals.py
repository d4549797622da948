"""Proposals: list, detail (public), create (``proposal.create``)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.fields import StrictCharField
from common.auth.permissions import Public, Requires
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.domain.proposal import TITLE_MAX_LENGTH
from domains.governance.domain.tally import Method
from domains.governance.models import Proposal
from domains.governance.selectors import proposal_list
from domains.governance.services import proposal_create


class ProposalOutput(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = (
            "id", "author_id", "title", "summary", "status", "method", "quorum",
            "voting_deadline", "outcome", "counts", "voters", "decided_at",
            "created_at", "updated_at",
        )  # fmt: skip


def proposal_response(proposal_id, code=status.HTTP_200_OK) -> Response:
    proposal = get_object_or_404(Proposal.objects.using("governance"), pk=proposal_id)
    return Response(ProposalOutput(proposal).data, status=code)


class ProposalListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ProposalOutput

    class ProposalFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[s.value for s in ProposalStatus], required=False)

    def get_queryset(self):
        filters = self.ProposalFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return proposal_list(**filters.validated_data)


# Applied after the class: the schema names a serializer nested in it.
ProposalListApi = extend_schema_view(
    get=extend_schema(
        operation_id="governance_proposal_list",
        parameters=[ProposalListApi.ProposalFilterSerializer],
    )
)(ProposalListApi)


@extend_schema_view(get=extend_schema(operation_id="governance_proposal_detail"))
class ProposalDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ProposalOutput

    def get_object(self):
        return get_object_or_404(Proposal, pk=self.kwargs["proposal_id"])


class ProposalCreateApi(APIView):
    permission_classes = [Requires("proposal.create")]

    class ProposalCreateInputSerializer(serializers.Serializer):
        title = StrictCharField(max_length=TITLE_MAX_LENGTH)
        summary = StrictCharField(max_length=10_000)
        method = serializers.ChoiceField(choices=[m.value for m in Method], default=Method.MAJORITY)
        quorum = serializers.IntegerField(min_value=1, max_value=100_000, default=3)

    @extend_schema(
        operation_id="governance_proposal_create",
        request=ProposalCreateInputSerializer,
        responses={201: ProposalOutput, 400: OpenApiResponse(description="Invalid fields.")},
    )
    def post(self, request):
        given = self.ProposalCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        proposal = proposal_create(author_id=request.user.pk, **given.validated_data)
        return proposal_response(proposal.id, status.HTTP_201_CREATED)
