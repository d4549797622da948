"""``GET /api/v1/learning/members/<id>/timeline`` and ``.../progress``: a member's
learning for the platform's own clients, read from the LRS's statements (no xAPI
knowledge needed by the client). A member reads their own; ``user.read`` reads anyone's.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from common.auth.permissions import Requires
from domains.learning.selectors import member_progress, member_statement_list


class TimelineEntryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    timestamp = serializers.DateTimeField()
    stored = serializers.DateTimeField()
    verb = serializers.SerializerMethodField()
    verb_display = serializers.SerializerMethodField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    object_name = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    def get_verb(self, statement) -> str:
        return statement.verb_id

    def get_verb_display(self, statement) -> dict:
        return statement.document["verb"].get("display", {})

    def get_object_name(self, statement) -> dict:
        return (statement.document["object"].get("definition") or {}).get("name", {})

    def get_result(self, statement) -> dict | None:
        return statement.document.get("result")


@extend_schema_view(get=extend_schema(operation_id="learning_member_timeline_list"))
class MemberTimelineListApi(generics.ListAPIView):
    permission_classes = [Requires("user.read", owner_kwarg="member_id")]
    serializer_class = TimelineEntryOutput

    def get_queryset(self):
        return member_statement_list(member_id=self.kwargs["member_id"])


class ProgressOutput(serializers.Serializer):
    activity_id = serializers.CharField()
    name = serializers.DictField(child=serializers.CharField())
    statements = serializers.IntegerField()
    completed = serializers.BooleanField()
    success = serializers.BooleanField(allow_null=True)
    best_score_scaled = serializers.FloatField(allow_null=True)
    last_at = serializers.DateTimeField()


@extend_schema_view(get=extend_schema(operation_id="learning_member_progress_list"))
class MemberProgressListApi(generics.ListAPIView):
    permission_classes = [Requires("user.read", owner_kwarg="member_id")]
    serializer_class = ProgressOutput

    def get_queryset(self):
        return member_progress(member_id=self.kwargs["member_id"])
