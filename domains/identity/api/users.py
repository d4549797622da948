"""Members seen by others: moderators and admins read accounts, admins deactivate
them and grant or revoke roles. A member may always read their own account."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.identity.api.me import AccountOutput
from domains.identity.models import User
from domains.identity.selectors import role_history, user_list
from domains.identity.services.accounts import user_deactivate, user_reactivate
from domains.identity.services.roles import role_grant, role_revoke


@extend_schema_view(get=extend_schema(operation_id="identity_user_list"))
class UserListApi(generics.ListAPIView):
    permission_classes = [Requires("user.read")]
    serializer_class = AccountOutput

    def get_queryset(self):
        return user_list()


class UserDetailApi(APIView):
    permission_classes = [Requires("user.read", owner_kwarg="user_id")]

    @extend_schema(operation_id="identity_user_detail", responses=AccountOutput)
    def get(self, request, user_id):
        return Response(AccountOutput(get_object_or_404(User, pk=user_id)).data)


class UserDeactivateApi(APIView):
    permission_classes = [Requires("user.manage")]

    @extend_schema(operation_id="identity_user_deactivate", request=None, responses={204: None})
    def post(self, request, user_id):
        user_deactivate(user=get_object_or_404(User, pk=user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserReactivateApi(APIView):
    permission_classes = [Requires("user.manage")]

    @extend_schema(operation_id="identity_user_reactivate", request=None, responses={204: None})
    def post(self, request, user_id):
        user_reactivate(user=get_object_or_404(User, pk=user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleInput(serializers.Serializer):
    role = serializers.CharField(max_length=30)


class RoleGrantApi(APIView):
    permission_classes = [Requires("role.grant")]

    @extend_schema(operation_id="identity_role_grant", request=RoleInput, responses=AccountOutput)
    def post(self, request, user_id):
        user = get_object_or_404(User, pk=user_id)
        given = RoleInput(data=request.data)
        given.is_valid(raise_exception=True)
        role_grant(
            user=user, role=given.validated_data["role"], granted_by=UUID(str(request.user.pk))
        )
        return Response(AccountOutput(User.objects.get(pk=user.pk)).data)


class RoleRevokeApi(APIView):
    permission_classes = [Requires("role.grant")]

    @extend_schema(operation_id="identity_role_revoke", request=RoleInput, responses=AccountOutput)
    def post(self, request, user_id):
        user = get_object_or_404(User, pk=user_id)
        given = RoleInput(data=request.data)
        given.is_valid(raise_exception=True)
        role_revoke(
            user=user, role=given.validated_data["role"], revoked_by=UUID(str(request.user.pk))
        )
        return Response(AccountOutput(User.objects.get(pk=user.pk)).data)


@extend_schema_view(get=extend_schema(operation_id="identity_role_history"))
class RoleHistoryApi(generics.ListAPIView):
    """A member's role changes, oldest first, paginated like every list."""

    permission_classes = [Requires("role.grant")]

    class RoleHistoryOutputSerializer(serializers.Serializer):
        change = serializers.ChoiceField(choices=["RoleGranted", "RoleRevoked"])
        role = serializers.CharField()
        by = serializers.UUIDField(allow_null=True)
        at = serializers.DateTimeField()

    serializer_class = RoleHistoryOutputSerializer

    def get_queryset(self):
        return list(role_history(user=get_object_or_404(User, pk=self.kwargs["user_id"])))
