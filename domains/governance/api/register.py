"""The decision register over HTTP: signed tree heads, entries, inclusion and consistency
proofs, and the public key. All public: the register is meant to be checked by anyone,
with a verifier that trusts none of these answers (``tools/register_verify.py``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Public
from domains.governance.models import RegisterEntry
from domains.governance.register import (
    consistency_proof,
    heads_signed,
    inclusion_proof,
    public_key,
    tree_head,
)


class TreeHeadOutput(serializers.Serializer):
    tree_size = serializers.IntegerField()
    timestamp = serializers.IntegerField(help_text="Milliseconds since the epoch.")
    root_hash = serializers.CharField(help_text="Hex SHA-256 (RFC 9162 MTH).")
    signature = serializers.CharField(help_text="Hex Ed25519 over the tree-head message.")
    key_id = serializers.CharField()


class TreeHeadApi(APIView):
    permission_classes = [Public]

    class TreeHeadQuerySerializer(serializers.Serializer):
        tree_size = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(
        operation_id="governance_register_tree_head",
        parameters=[TreeHeadQuerySerializer],
        responses={200: TreeHeadOutput, 404: OpenApiResponse(description="No such tree size.")},
    )
    def get(self, request):
        query = self.TreeHeadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(tree_head(query.validated_data.get("tree_size")))


class PublicKeyApi(APIView):
    permission_classes = [Public]

    class PublicKeyOutputSerializer(serializers.Serializer):
        algorithm = serializers.CharField()
        public_key = serializers.CharField(help_text="Raw Ed25519 public key, hex.")
        key_id = serializers.CharField()

    @extend_schema(
        operation_id="governance_register_public_key", responses=PublicKeyOutputSerializer
    )
    def get(self, request):
        return Response(public_key())


class InclusionProofApi(APIView):
    permission_classes = [Public]

    class InclusionProofQuerySerializer(serializers.Serializer):
        index = serializers.IntegerField(min_value=0)
        tree_size = serializers.IntegerField(min_value=1, required=False)

    class InclusionProofOutputSerializer(serializers.Serializer):
        leaf_index = serializers.IntegerField()
        tree_size = serializers.IntegerField()
        entry = serializers.CharField(help_text="The entry's canonical JSON, hashed as is.")
        leaf_hash = serializers.CharField()
        audit_path = serializers.ListField(child=serializers.CharField())
        tree_head = TreeHeadOutput()

    @extend_schema(
        operation_id="governance_register_inclusion_proof",
        parameters=[InclusionProofQuerySerializer],
        responses={
            200: InclusionProofOutputSerializer,
            404: OpenApiResponse(description="No such entry."),
        },
    )
    def get(self, request):
        query = self.InclusionProofQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(inclusion_proof(**query.validated_data))


class ConsistencyProofApi(APIView):
    permission_classes = [Public]

    class ConsistencyProofQuerySerializer(serializers.Serializer):
        first = serializers.IntegerField(min_value=1)
        second = serializers.IntegerField(min_value=1, required=False)

    class ConsistencyProofOutputSerializer(serializers.Serializer):
        first = serializers.IntegerField()
        second = serializers.IntegerField()
        consistency_path = serializers.ListField(child=serializers.CharField())
        first_tree_head = TreeHeadOutput()
        second_tree_head = TreeHeadOutput()

    @extend_schema(
        operation_id="governance_register_consistency_proof",
        parameters=[ConsistencyProofQuerySerializer],
        responses={
            200: ConsistencyProofOutputSerializer,
            404: OpenApiResponse(description="No such tree size."),
        },
    )
    def get(self, request):
        query = self.ConsistencyProofQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(consistency_proof(**query.validated_data))


class EntryOutput(serializers.ModelSerializer):
    class Meta:
        model = RegisterEntry
        fields = ("index", "kind", "proposal_id", "content", "leaf_hash", "root_hash",
                  "timestamp_ms", "signature")  # fmt: skip


@extend_schema_view(get=extend_schema(operation_id="governance_register_entry_list"))
class EntryListApi(generics.ListAPIView):
    permission_classes = [Public]
    serializer_class = EntryOutput

    def get_queryset(self):
        return RegisterEntry.objects.using("governance").order_by("index")

    def paginate_queryset(self, queryset):
        """The page's heads all signed (an append batch stores only its last signature)."""
        return heads_signed(super().paginate_queryset(queryset))
