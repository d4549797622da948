"""An LRS client issued in the admin: its key and secret are shown once, and they are
credentials the LRS accepts (the same as ``lrs_client_create`` issues)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from domains.identity.models import User
from domains.learning.models import LrsClient
from domains.learning.tests.xapi.conftest import (  # noqa: F401 - _no_rate_limits: autouse
    Lrs,
    _no_rate_limits,
    basic,
    statement,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_client_added_in_the_admin_can_write_statements(client):
    client.force_login(User.objects.create_superuser("root@example.com", "a-long-password"))
    response = client.post(
        reverse("admin:learning_lrsclient_add"),
        {"name": "Quiz tool", "read_all": "on", "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    [shown] = [str(m) for m in get_messages(response.wsgi_request) if "secret" in str(m)]
    key, secret = re.search(r"key (lrs_[0-9a-f]{16}), secret (\S+) \(shown once", shown).groups()
    assert LrsClient.objects.get(name="Quiz tool").key == key
    assert Lrs(basic(key, secret)).post(statement()).status_code == 200
    assert Lrs(basic(key, "wrong")).post(statement()).status_code == 401
