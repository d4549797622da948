"""Moving a proposal along (author only), and closing the vote after its deadline."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.governance.api.proposals import ProposalOutput, proposal_response
from domains.governance.services import proposal_close, proposal_transition

_RESPONSES = {
    200: ProposalOutput,
    400: OpenApiResponse(description="Invalid fields."),
    403: OpenApiResponse(description="Not the proposal's author."),
    404: OpenApiResponse(description="No such proposal."),
    409: OpenApiResponse(description="The proposal's status or deadline forbids it now."),
}


class ProposalTransitionApi(APIView):
    permission_classes = [Requires("proposal.create")]

    class ProposalTransitionInputSerializer(serializers.Serializer):
        #: discuss: draft → discussion; vote: discussion → voting; withdraw.
        action = serializers.ChoiceField(choices=["discuss", "vote", "withdraw"])
        deadline = serializers.DateTimeField(required=False)

    @extend_schema(
        operation_id="governance_proposal_transition",
        request=ProposalTransitionInputSerializer,
        responses=_RESPONSES,
    )
    def post(self, request, proposal_id):
        given = self.ProposalTransitionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        proposal_transition(
            proposal_id=proposal_id, actor_id=request.user.pk, **given.validated_data
        )
        return proposal_response(proposal_id)


class ProposalCloseApi(APIView):
    """Anyone who may vote may close a vote whose deadline has passed: the count is
    fixed by the votes, so who triggers it does not matter."""

    permission_classes = [Requires("proposal.vote")]

    @extend_schema(operation_id="governance_proposal_close", request=None, responses=_RESPONSES)
    def post(self, request, proposal_id):
        proposal_close(proposal_id=proposal_id)
        return proposal_response(proposal_id)
