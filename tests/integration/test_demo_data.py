"""``load_demo`` fills every domain with something to look at, and can run again."""

import io

import pytest
from django.core.management import call_command

from domains.governance.models import Proposal
from domains.identity.models import User
from domains.learning.models import Activity
from domains.marketplace.models import Space
from domains.passport.models import Competency
from domains.reputation.models import Rating
from gateway.models import Route

pytestmark = pytest.mark.django_db(databases="__all__")

MODELS = (User, Activity, Rating, Competency, Proposal, Space, Route)


def test_demo_data_loads_twice_without_duplicates(api_client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = {model: model.objects.count() for model in MODELS}
    call_command("load_demo", stdout=io.StringIO())
    assert {model: model.objects.count() for model in MODELS} == first
    assert all(count > 0 for count in first.values()), first
    assert "admin login admin@example.com" in out.getvalue()
    assert User.objects.get(email="admin@example.com").is_superuser
    # The demo is visible through the API, not only in the tables.
    spaces = api_client.get("/api/v1/marketplace/spaces").json()
    assert spaces["count"] == Space.objects.filter(status="listed").count() >= 1
