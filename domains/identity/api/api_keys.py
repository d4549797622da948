"""A member's API keys: create (the key is shown once), list, revoke."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.identity.api.me import account_of
from domains.identity.selectors import api_key_list
from domains.identity.services.api_keys import api_key_create, api_key_revoke


class ApiKeyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


@extend_schema_view(get=extend_schema(operation_id="identity_api_key_list"))
class ApiKeyListApi(generics.ListAPIView):
    permission_classes = [Requires("api_key.manage_own")]
    serializer_class = ApiKeyOutput

    def get_queryset(self):
        return api_key_list(user=account_of(self.request))


class ApiKeyCreateApi(APIView):
    permission_classes = [Requires("api_key.manage_own")]

    class ApiKeyCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        scopes = serializers.ListField(
            child=serializers.CharField(max_length=60), allow_empty=False, max_length=50
        )
        expires_at = serializers.DateTimeField(required=False, allow_null=True)

    class ApiKeyCreateOutputSerializer(ApiKeyOutput):
        key = serializers.CharField(help_text="The key itself: shown only in this response.")

    @extend_schema(
        operation_id="identity_api_key_create",
        request=ApiKeyCreateInputSerializer,
        responses={201: ApiKeyCreateOutputSerializer},
    )
    def post(self, request):
        given = self.ApiKeyCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        key, plain = api_key_create(
            user=account_of(request),
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
        )
        body = {**ApiKeyOutput(key).data, "key": plain}
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiKeyRevokeApi(APIView):
    permission_classes = [Requires("api_key.manage_own")]

    @extend_schema(operation_id="identity_api_key_revoke", request=None, responses=ApiKeyOutput)
    def post(self, request, key_id):
        key = api_key_revoke(user=account_of(request), key_id=key_id)
        if key is None:
            raise Http404
        return Response(ApiKeyOutput(key).data)
