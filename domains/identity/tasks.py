"""Periodic identity work (Celery beat, ``config/settings/identity.py``).

The signing key rotates on its own once it is ``IDENTITY_SIGNING_KEY_MAX_AGE_DAYS`` old;
each run also reports the signing key's creation time, so ``SigningKeyRotationOverdue``
fires when rotation stopped happening (beat down, the task failing).
"""

from celery import shared_task

from domains.identity.metrics import SIGNING_KEY_CREATED
from domains.identity.services.keys import signing_key_active, signing_key_rotate_when_due


@shared_task(name="identity.rotate_signing_key_when_due")
def rotate_signing_key_when_due() -> str | None:
    rotated = signing_key_rotate_when_due()
    SIGNING_KEY_CREATED.set(signing_key_active().created_at.timestamp())
    return rotated.kid if rotated else None
