"""Registration, e-mail verification and password reset: public, by design."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.problems import Conflict
from common.auth.permissions import Public
from domains.identity.api.me import AccountOutput
from domains.identity.domain.accounts import LANGUAGE_TAG
from domains.identity.services.accounts import (
    email_verify,
    password_reset_confirm,
    password_reset_request,
    user_signup,
)


class RegisterApi(APIView):
    permission_classes = [Public]
    rate_limit = settings.REGISTRATION_RATE  # per address: sign-up spam

    class RegisterInputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(max_length=200)
        display_name = serializers.CharField(max_length=120)
        locale = serializers.RegexField(LANGUAGE_TAG, max_length=35, required=False)

    @extend_schema(
        operation_id="identity_register",
        request=RegisterInputSerializer,
        responses={201: AccountOutput},
    )
    def post(self, request):
        given = self.RegisterInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            user = user_signup(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                locale=data.get("locale"),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        except IntegrityError as exc:
            raise Conflict("An account with this e-mail address exists.") from exc
        return Response(AccountOutput(user).data, status=status.HTTP_201_CREATED)


class EmailVerifyApi(APIView):
    permission_classes = [Public]
    rate_limit = settings.PASSWORD_RESET_RATE  # tokens are guessed here

    class EmailVerifyInputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="identity_email_verify",
        request=EmailVerifyInputSerializer,
        responses={204: None},
    )
    def post(self, request):
        given = self.EmailVerifyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        email_verify(token=given.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetRequestApi(APIView):
    permission_classes = [Public]
    rate_limit = settings.PASSWORD_RESET_RATE  # per address: mail-bombing a member

    class PasswordResetRequestInputSerializer(serializers.Serializer):
        email = serializers.EmailField()

    @extend_schema(
        operation_id="identity_password_reset_request",
        request=PasswordResetRequestInputSerializer,
        responses={202: None},
    )
    def post(self, request):
        given = self.PasswordResetRequestInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        password_reset_request(email=given.validated_data["email"])
        # The same answer whether or not the address has an account.
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(APIView):
    permission_classes = [Public]
    rate_limit = settings.PASSWORD_RESET_RATE

    class PasswordResetConfirmInputSerializer(serializers.Serializer):
        uid = serializers.CharField(max_length=100)
        token = serializers.CharField(max_length=100)
        new_password = serializers.CharField(max_length=200)

    @extend_schema(
        operation_id="identity_password_reset_confirm",
        request=PasswordResetConfirmInputSerializer,
        responses={204: None},
    )
    def post(self, request):
        given = self.PasswordResetConfirmInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            password_reset_confirm(
                uid=data["uid"], token=data["token"], new_password=data["new_password"]
            )
        except DjangoValidationError as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
