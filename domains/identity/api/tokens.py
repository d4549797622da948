"""Signing in and out, refreshing, and the token endpoints for services and API keys.

All are public (the credentials are in the body) and answer ``Cache-Control: no-store``.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Public
from domains.identity.services.api_keys import api_key_token
from domains.identity.services.clients import (
    client_credentials_token,
)
from domains.identity.services.login import login_authenticate
from domains.identity.services.tokens import (
    TokenPair,
    token_logout,
    token_pair_issue,
    token_refresh,
)


class TokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField()
    refresh_token = serializers.CharField(required=False)


def token_response(pair: TokenPair) -> Response:
    body = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
    }
    if pair.refresh_token:
        body["refresh_token"] = pair.refresh_token
    return Response(body, headers={"Cache-Control": "no-store"})


class LoginApi(APIView):
    permission_classes = [Public]
    rate_limit = settings.LOGIN_RATE

    class LoginInputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(max_length=200)

    @extend_schema(
        operation_id="identity_login", request=LoginInputSerializer, responses=TokenOutput
    )
    def post(self, request):
        given = self.LoginInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = login_authenticate(**given.validated_data)
        return token_response(token_pair_issue(user=user))


class RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=200)


class RefreshApi(APIView):
    permission_classes = [Public]

    @extend_schema(operation_id="identity_refresh", request=RefreshInput, responses=TokenOutput)
    def post(self, request):
        given = RefreshInput(data=request.data)
        given.is_valid(raise_exception=True)
        pair = token_refresh(refresh_token=given.validated_data["refresh_token"])
        return token_response(pair)


class LogoutApi(APIView):
    permission_classes = [Public]

    @extend_schema(operation_id="identity_logout", request=RefreshInput, responses={204: None})
    def post(self, request):
        given = RefreshInput(data=request.data)
        given.is_valid(raise_exception=True)
        token_logout(refresh_token=given.validated_data["refresh_token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClientTokenApi(APIView):
    """OAuth 2.0 client credentials for platform services (``aud`` = the target part)."""

    permission_classes = [Public]

    class ClientTokenInputSerializer(serializers.Serializer):
        grant_type = serializers.ChoiceField(choices=["client_credentials"])
        client_id = serializers.CharField(max_length=60)
        client_secret = serializers.CharField(max_length=200)
        audience = serializers.CharField(max_length=60)
        scopes = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, max_length=50
        )

    @extend_schema(
        operation_id="identity_client_token",
        request=ClientTokenInputSerializer,
        responses=TokenOutput,
    )
    def post(self, request):
        given = self.ClientTokenInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        pair = client_credentials_token(
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            audience=data["audience"],
            scopes=data.get("scopes"),
        )
        return token_response(pair)


class ApiKeyTokenApi(APIView):
    """Trade an API key for a short access token that every part verifies locally."""

    permission_classes = [Public]

    class ApiKeyTokenInputSerializer(serializers.Serializer):
        api_key = serializers.CharField(max_length=200)

    @extend_schema(
        operation_id="identity_api_key_token",
        request=ApiKeyTokenInputSerializer,
        responses=TokenOutput,
    )
    def post(self, request):
        given = self.ApiKeyTokenInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        pair = api_key_token(plain=given.validated_data["api_key"])
        return token_response(pair)
