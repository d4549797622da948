"""Accounts: registration, e-mail verification, profile, passwords, deactivation.

E-mail verification and password-reset links carry signed, expiring tokens: the
verification token is a ``TimestampSigner`` value over the member id and address (it
stops working if the address changes); the reset token is Django's, which stops
working once the password changes or the member signs in. Mails go through Django's
e-mail backend (the console in the embedded run); a relay that refuses them delays the
mail, never the account (``services.mail``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from common.auth.denylist import subject_allow, subject_deny
from common.refusals import Invalid
from contracts.identity.v2 import MemberRegistered
from domains.identity.apps import ALIAS
from domains.identity.domain.accounts import normalize_email
from domains.identity.models import User
from domains.identity.services.mail import (
    PASSWORD_RESET,
    VERIFICATION,
    VERIFY_SALT,
    account_mail_deliver,
)
from domains.identity.services.tokens import member_families_revoke
from eventing.outbox import outbox_publish


class TokenRefused(Invalid):
    """A verification or reset token that is malformed, expired or already spent."""

    field = "token"


class WrongPassword(Invalid):
    """The current password given to change it is not the member's."""

    field = "current_password"


def user_register(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    locale: str | None = None,
    **fields,
) -> User:
    """Create a member and announce ``identity.member_registered``."""
    with transaction.atomic(using=ALIAS):
        user = User.objects.create_user(email, password, display_name=display_name, **fields)
        outbox_publish(
            alias=ALIAS,
            producer="identity",
            aggregate_id=str(user.id),
            event=MemberRegistered(
                member_id=user.id,
                display_name=user.display_name,
                joined_at=user.date_joined,
                locale=locale,
            ),
        )
    return user


def user_signup(*, email: str, password: str, display_name: str, locale: str | None) -> User:
    """Self-service registration: validated password, then a verification mail."""
    validate_password(password, User(email=email, display_name=display_name))
    user = user_register(email=email, password=password, display_name=display_name, locale=locale)
    email_verification_send(user=user)
    return user


def email_verification_send(*, user: User) -> bool:
    """The verification mail: sent now, or retried by Celery if the relay refuses it."""
    return account_mail_deliver(kind=VERIFICATION, user=user)


def email_verify(*, token: str, now: datetime | None = None) -> User:
    try:
        data = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=settings.IDENTITY_EMAIL_TOKEN_HOURS * 3600
        )
    except signing.BadSignature as exc:
        raise TokenRefused("The verification token is invalid or expired.") from exc
    user = User.objects.filter(id=data.get("id"), email=data.get("email")).first()
    if user is None:
        raise TokenRefused("The verification token no longer matches an account.")
    if user.email_verified_at is None:
        user.email_verified_at = now or timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def profile_update(*, user: User, changes: dict[str, Any]) -> User:
    editable = {"display_name", "bio", "languages", "avatar_url", "visibility"}
    for field, value in changes.items():
        if field in editable:
            setattr(user, field, value)
    with transaction.atomic(using=ALIAS):
        user.save(update_fields=sorted(editable & changes.keys()))
    return user


def password_change(*, user: User, current: str, new: str) -> None:
    """Raises ``ValueError`` on a wrong current password, ``ValidationError`` on a weak one."""
    if not user.check_password(current):
        raise WrongPassword("The current password is wrong.")
    validate_password(new, user)
    with transaction.atomic(using=ALIAS):
        user.set_password(new)
        user.save(update_fields=["password"])
        member_families_revoke(user=user, reason="password-change")


def password_reset_request(*, email: str) -> None:
    """Mail a reset link if the address belongs to an active member; silent otherwise."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        return
    account_mail_deliver(kind=PASSWORD_RESET, user=user)


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    try:
        user = User.objects.filter(pk=UUID(force_str(urlsafe_base64_decode(uid)))).first()
    except (ValueError, TypeError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise TokenRefused("The reset link is invalid or expired.")
    validate_password(new_password, user)
    with transaction.atomic(using=ALIAS):
        user.set_password(new_password)
        user.save(update_fields=["password"])
        member_families_revoke(user=user, reason="password-reset")
    return user


def user_deactivate(*, user: User, now: datetime | None = None) -> None:
    """The member can no longer sign in; every sign-in is revoked. Access tokens
    already out stop writing at once (``common.auth.denylist``) and expire within
    ``AUTH_ACCESS_TOKEN_SECONDS``."""
    with transaction.atomic(using=ALIAS):
        user.is_active = False
        user.save(update_fields=["is_active"])
        member_families_revoke(user=user, reason="deactivated", now=now)
        transaction.on_commit(lambda: subject_deny(str(user.pk)), using=ALIAS)


def user_reactivate(*, user: User) -> None:
    """An admin lets a deactivated member sign in again (no sign-in is restored)."""
    with transaction.atomic(using=ALIAS):
        user.is_active = True
        user.save(update_fields=["is_active"])
        transaction.on_commit(lambda: subject_allow(str(user.pk)), using=ALIAS)
