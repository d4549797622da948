"""Passport: frameworks list their competencies; codes are unique per framework."""

import pytest
from django.db import IntegrityError, transaction

from domains.passport.domain.levels import Level
from domains.passport.models import CompetencyFramework

pytestmark = pytest.mark.django_db(databases=["passport"])


def test_levels_are_ordered():
    assert Level.AWARE < Level.PRACTISING < Level.PROFICIENT < Level.EXPERT


def test_a_code_is_unique_within_its_framework():
    framework = CompetencyFramework.objects.create(name="F", version="1")
    framework.competencies.create(code="A-1", name="A")
    with pytest.raises(IntegrityError), transaction.atomic(using="passport"):
        framework.competencies.create(code="A-1", name="again")


def test_frameworks_are_listed_with_their_competencies(api_client):
    framework = CompetencyFramework.objects.create(name="F", version="2")
    framework.competencies.create(code="B-1", name="B", max_level=Level.PROFICIENT)
    listed = api_client.get("/api/v1/passport/frameworks").json()
    assert listed["count"] == 1
    assert listed["results"][0]["competencies"][0]["max_level"] == Level.PROFICIENT
    detail = api_client.get(f"/api/v1/passport/frameworks/{framework.pk}").json()
    assert detail["version"] == "2"
