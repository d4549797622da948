"""Account mails (address verification, password reset), and what happens when the
relay refuses them.

A member who registers is registered: the account is committed before any mail is
tried, and an SMTP relay that refuses, times out or is down must neither undo that
nor answer 500. The mail is tried at once (the common case: the member finds it
seconds later); if the relay fails, it is handed to Celery
(``identity.send_account_mail``), which retries with exponential backoff for hours
and builds the link when it finally sends (the token's lifetime starts then). Only
the member id and the kind of mail go through the broker, never a token.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from domains.identity.models import User

logger = logging.getLogger(__name__)

VERIFY_SALT = "identity.email-verification"
VERIFICATION = "verification"
PASSWORD_RESET = "password-reset"  # noqa: S105 - a kind of mail, not a password
#: What a relay that is down, refusing or too slow raises from Django's SMTP backend.
RELAY_ERRORS = (smtplib.SMTPException, OSError)
#: Celery's first retry after a refusal, doubling (with jitter) up to RETRY_MAX_SECONDS,
#: RETRIES times: about 12 hours of trying, well within the verification token's 48 h.
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
RETRIES = 16


def _verification(user: User) -> tuple[str, str]:
    token = signing.TimestampSigner(salt=VERIFY_SALT).sign_object(
        {"id": str(user.id), "email": user.email}
    )
    return (
        "Confirm your e-mail address",
        f"Confirm your address: {settings.IDENTITY_FRONTEND_URL}/verify-email?token={token}\n"
        f"(or POST it to /api/v1/identity/auth/verify-email).",
    )


def _password_reset(user: User) -> tuple[str, str]:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return (
        "Reset your password",
        f"Choose a new password: {settings.IDENTITY_FRONTEND_URL}/reset-password"
        f"?uid={uid}&token={token}\n(or POST uid, token and new_password to "
        "/api/v1/identity/auth/password-reset/confirm).",
    )


_COMPOSE = {VERIFICATION: _verification, PASSWORD_RESET: _password_reset}


def account_mail_compose_and_send(*, kind: str, user: User) -> None:
    """Build the mail (a fresh token) and hand it to the relay; raises ``RELAY_ERRORS``."""
    subject, body = _COMPOSE[kind](user)
    send_mail(subject, body, None, [user.email])


def account_mail_deliver(*, kind: str, user: User) -> bool:
    """Send now, or leave it to Celery's retries if the relay fails: whether it went now."""
    try:
        account_mail_compose_and_send(kind=kind, user=user)
        return True
    except RELAY_ERRORS as exc:
        logger.warning(
            "identity: the %s mail for member %s was refused by the relay (%s: %s); "
            "retrying in the background", kind, user.id, type(exc).__name__, exc,
        )  # fmt: skip
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker (the embedded run): nothing could retry later.
        logger.error("identity: the %s mail for member %s was not sent", kind, user.id)
        return False
    from domains.identity.tasks import send_account_mail

    try:
        send_account_mail.apply_async((kind, str(user.id)), countdown=RETRY_FIRST_SECONDS)
    except Exception as exc:  # noqa: BLE001 - broker down too: the account stands regardless
        logger.error(
            "identity: the %s mail for member %s was not sent and could not be queued (%s)",
            kind, user.id, exc,
        )  # fmt: skip
    return False
