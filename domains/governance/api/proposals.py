"""``GET /api/v1/governance/proposals``: the community's proposals, filterable by status."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from common.auth.permissions import Public
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.models import Proposal
from domains.governance.selectors import proposal_list


class ProposalOutput(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = (
            "id", "author_id", "title", "summary", "status",
            "quorum", "voting_deadline", "created_at", "updated_at",
        )  # fmt: skip


class ProposalListApi(generics.ListAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ProposalOutput

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[s.value for s in ProposalStatus], required=False)

    @extend_schema(operation_id="governance_proposal_list", parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return proposal_list(**filters.validated_data)


class ProposalDetailApi(generics.RetrieveAPIView):
    # Public catalogue: browsing needs no account.
    permission_classes = [Public]
    serializer_class = ProposalOutput

    @extend_schema(operation_id="governance_proposal_detail")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(Proposal, pk=self.kwargs["proposal_id"])
