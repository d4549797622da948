"""Identity's Celery tasks: periodic work (beat, ``config/settings/identity.py``) and
account mails the relay refused at request time (``services.mail``).

The signing key rotates on its own once it is ``IDENTITY_SIGNING_KEY_MAX_AGE_DAYS`` old;
each run also reports the signing key's creation time, so ``SigningKeyRotationOverdue``
fires when rotation stopped happening (beat down, the task failing).
"""

from celery import shared_task

from domains.identity.metrics import SIGNING_KEY_CREATED
from domains.identity.models import User
from domains.identity.services.keys import signing_key_active, signing_key_rotate_when_due
from domains.identity.services.mail import (
    RELAY_ERRORS,
    RETRIES,
    RETRY_FIRST_SECONDS,
    RETRY_MAX_SECONDS,
    VERIFICATION,
    account_mail_compose_and_send,
)


@shared_task(name="identity.rotate_signing_key_when_due")
def rotate_signing_key_when_due() -> str | None:
    rotated = signing_key_rotate_when_due()
    SIGNING_KEY_CREATED.set(signing_key_active().created_at.timestamp())
    return rotated.kid if rotated else None


@shared_task(
    name="identity.send_account_mail",
    autoretry_for=RELAY_ERRORS,
    retry_backoff=RETRY_FIRST_SECONDS,
    retry_backoff_max=RETRY_MAX_SECONDS,
    retry_jitter=True,
    max_retries=RETRIES,
)
def send_account_mail(kind: str, member_id: str) -> bool:
    """A mail the relay refused at request time (``services.mail``), retried with backoff;
    skipped once it no longer applies (the member left, or already verified)."""
    user = User.objects.filter(id=member_id, is_active=True).first()
    if user is None or (kind == VERIFICATION and user.email_verified_at is not None):
        return False
    account_mail_compose_and_send(kind=kind, user=user)
    return True
