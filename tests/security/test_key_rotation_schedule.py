"""The signing key rotates on its own: the hourly task replaces a key past its maximum
age (once, even if it runs again during the hand-over) and reports the signing key's
creation time for the SigningKeyRotationOverdue alert."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from domains.identity.models import SigningKey
from domains.identity.services.keys import signing_key_active, signing_key_rotate_when_due
from domains.identity.tasks import rotate_signing_key_when_due


@pytest.mark.django_db(databases=["default", "identity"])
def test_a_key_past_its_maximum_age_is_rotated_once(settings):
    settings.IDENTITY_SIGNING_KEY_MAX_AGE_DAYS = 30
    start = timezone.now() - timedelta(days=40)
    first = signing_key_active(now=start)

    assert signing_key_rotate_when_due(now=start + timedelta(days=29)) is None
    assert SigningKey.objects.count() == 1

    due = start + timedelta(days=31)
    new = signing_key_rotate_when_due(now=due)
    assert new is not None and new.kid != first.kid
    # Run again during the hand-over: the first key still signs, no second new key.
    assert signing_key_rotate_when_due(now=due + timedelta(seconds=1)) is None
    assert SigningKey.objects.count() == 2
    after_hand_over = due + timedelta(seconds=settings.AUTH_JWKS_MIN_REFRESH_SECONDS + 1)
    assert signing_key_active(now=after_hand_over).kid == new.kid


@pytest.mark.django_db(databases=["default", "identity"])
def test_the_task_reports_the_signing_key_creation_time():
    rotate_signing_key_when_due()
    reported = REGISTRY.get_sample_value("identity_signing_key_created_timestamp_seconds")
    assert reported == pytest.approx(signing_key_active().created_at.timestamp())
