"""Registering service clients and rotating their secrets (admins)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.problems import Conflict
from common.auth.permissions import Requires
from domains.identity.models import ServiceClient
from domains.identity.services.clients import service_client_create, service_client_secret_rotate


class SecretOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    audiences = serializers.ListField(child=serializers.CharField())
    scopes = serializers.ListField(child=serializers.CharField())
    client_secret = serializers.CharField(help_text="Shown only in this response.")


def secret_response(client: ServiceClient, secret: str, code: int) -> Response:
    body = {
        "id": client.id, "name": client.name, "audiences": client.audiences,
        "scopes": client.scopes, "client_secret": secret,
    }  # fmt: skip
    return Response(SecretOutput(body).data, status=code, headers={"Cache-Control": "no-store"})


class ServiceClientCreateApi(APIView):
    permission_classes = [Requires("service_client.manage")]

    class ServiceClientCreateInputSerializer(serializers.Serializer):
        name = serializers.SlugField(max_length=60)
        audiences = serializers.ListField(
            child=serializers.SlugField(max_length=60), allow_empty=False, max_length=20
        )
        scopes = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, max_length=50
        )

    @extend_schema(
        operation_id="identity_service_client_create",
        request=ServiceClientCreateInputSerializer,
        responses={201: SecretOutput},
    )
    def post(self, request):
        given = self.ServiceClientCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if ServiceClient.objects.filter(name=data["name"]).exists():
            raise Conflict("A service client with this name exists.")
        client, secret = service_client_create(
            name=data["name"], audiences=data["audiences"], scopes=data.get("scopes", [])
        )
        return secret_response(client, secret, status.HTTP_201_CREATED)


class ServiceClientSecretRotateApi(APIView):
    permission_classes = [Requires("service_client.manage")]

    @extend_schema(
        operation_id="identity_service_client_secret_rotate", request=None, responses=SecretOutput
    )
    def post(self, request, client_id):
        client = get_object_or_404(ServiceClient, pk=client_id)
        return secret_response(client, service_client_secret_rotate(client=client), 200)
