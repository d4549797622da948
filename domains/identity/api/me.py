"""The signed-in member's own account: read it, edit the profile, change the password,
leave. Ownership is the rule: these act on ``request.user`` only."""

from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import NoApiKeys, Requires
from domains.identity.domain.accounts import LANGUAGE_TAG
from domains.identity.models import ProfileVisibility, User
from domains.identity.services.accounts import password_change, profile_update, user_deactivate


def account_of(request) -> User:
    """The member behind the request, whether a token, an API key or a session says so."""
    user = request.user if isinstance(request.user, User) else None
    user = user or User.objects.filter(pk=request.user.pk, is_active=True).first()
    if user is None:
        raise NotFound("No active account for this token.")
    return user


class AccountOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    email_verified = serializers.SerializerMethodField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    avatar_url = serializers.CharField()
    visibility = serializers.ChoiceField(choices=ProfileVisibility.choices)
    roles = serializers.ListField(child=serializers.CharField())
    date_joined = serializers.DateTimeField()

    def get_email_verified(self, user) -> bool:
        return user.email_verified_at is not None

    def to_representation(self, user):
        data = super().to_representation(user)
        data["roles"] = sorted(user.roles)
        return data


class MeApi(APIView):
    permission_classes = [Requires("account.manage_own")]

    @extend_schema(operation_id="identity_me", responses=AccountOutput)
    def get(self, request):
        return Response(AccountOutput(account_of(request)).data)


class ProfileUpdateApi(APIView):
    permission_classes = [Requires("account.manage_own")]

    class ProfileUpdateInputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        languages = serializers.ListField(
            child=serializers.RegexField(LANGUAGE_TAG),
            max_length=10,
            required=False,
        )
        avatar_url = serializers.URLField(
            max_length=500,
            required=False,
            allow_blank=True,
            validators=[URLValidator(schemes=["https"])],
        )
        visibility = serializers.ChoiceField(choices=ProfileVisibility.choices, required=False)

    @extend_schema(
        operation_id="identity_profile_update",
        request=ProfileUpdateInputSerializer,
        responses=AccountOutput,
    )
    def patch(self, request):
        changes = self.ProfileUpdateInputSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        user = profile_update(user=account_of(request), changes=changes.validated_data)
        return Response(AccountOutput(user).data)


class PasswordChangeApi(APIView):
    permission_classes = [Requires("account.manage_own"), NoApiKeys]

    class PasswordChangeInputSerializer(serializers.Serializer):
        current_password = serializers.CharField(max_length=200)
        new_password = serializers.CharField(
            max_length=200, help_text=" ".join(password_validators_help_texts())
        )

    @extend_schema(
        operation_id="identity_password_change",
        request=PasswordChangeInputSerializer,
        responses={204: None},
    )
    def post(self, request):
        given = self.PasswordChangeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            password_change(
                user=account_of(request),
                current=given.validated_data["current_password"],
                new=given.validated_data["new_password"],
            )
        except DjangoValidationError as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountDeactivateApi(APIView):
    permission_classes = [Requires("account.manage_own"), NoApiKeys]

    @extend_schema(operation_id="identity_account_deactivate", request=None, responses={204: None})
    def post(self, request):
        user_deactivate(user=account_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
