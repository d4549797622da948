"""Votes and comments on a proposal: cast or change one's vote, comment, and read both."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.views import APIView

from common.auth.permissions import Public, Requires
from domains.governance.api.proposals import ProposalOutput, proposal_response
from domains.governance.models import Comment, Vote
from domains.governance.services import proposal_comment, vote_cast


class VoteCastApi(APIView):
    permission_classes = [Requires("proposal.vote")]

    class VoteCastInputSerializer(serializers.Serializer):
        #: yes / no / abstain (majority) or consent / stand_aside / object (consent).
        choice = serializers.CharField(max_length=20)

    @extend_schema(
        operation_id="governance_vote_cast",
        request=VoteCastInputSerializer,
        responses={
            200: ProposalOutput,
            400: OpenApiResponse(description="Not a choice of this proposal's method."),
            403: OpenApiResponse(description="Not eligible to vote."),
            404: OpenApiResponse(description="No such proposal."),
            409: OpenApiResponse(description="Not open for voting, or past the deadline."),
        },
    )
    def post(self, request, proposal_id):
        given = self.VoteCastInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        vote_cast(proposal_id=proposal_id, member_id=request.user.pk, **given.validated_data)
        return proposal_response(proposal_id)


class VoteOutput(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ("member_id", "choice", "casts", "cast_at")


@extend_schema_view(get=extend_schema(operation_id="governance_vote_list"))
class VoteListApi(generics.ListAPIView):
    # Votes are a public record (they are in the decision register too).
    permission_classes = [Public]
    serializer_class = VoteOutput

    def get_queryset(self):
        return Vote.objects.using("governance").filter(proposal_id=self.kwargs["proposal_id"])


class CommentOutput(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ("id", "member_id", "body", "posted_at")


@extend_schema_view(get=extend_schema(operation_id="governance_comment_list"))
class CommentListApi(generics.ListAPIView):
    # Discussion is public, like the proposals.
    permission_classes = [Public]
    serializer_class = CommentOutput

    def get_queryset(self):
        return Comment.objects.using("governance").filter(proposal_id=self.kwargs["proposal_id"])


class CommentCreateApi(APIView):
    permission_classes = [Requires("proposal.vote")]

    class CommentCreateInputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)

    @extend_schema(
        operation_id="governance_comment_create",
        request=CommentCreateInputSerializer,
        responses={200: ProposalOutput, 409: OpenApiResponse(description="Not open for comments.")},
    )
    def post(self, request, proposal_id):
        given = self.CommentCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        proposal_comment(proposal_id=proposal_id, member_id=request.user.pk, **given.validated_data)
        return proposal_response(proposal_id)
