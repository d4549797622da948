"""Learning: activities are identified by absolute IRIs and listed for clients."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from domains.learning.domain.iris import is_absolute_iri
from domains.learning.models import Activity


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/course/1", True),
        ("urn:uuid:6f1c1c9e-0000-4000-8000-000000000000", True),
        ("tag:example.org,2026:activity", True),
        ("course/1", False),
        ("https://example.org/with space", False),
        ("", False),
    ],
)
def test_absolute_iris(value, expected):
    assert is_absolute_iri(value) is expected


@pytest.mark.django_db(databases=["learning"])
def test_a_relative_activity_id_is_rejected():
    with pytest.raises(ValidationError) as error:
        Activity(iri="course/1").full_clean()
    assert "iri" in error.value.message_dict


@pytest.mark.django_db(databases=["learning"])
def test_activities_are_listed_filtered_and_fetched(api_client):
    course = Activity.objects.create(
        iri="https://example.org/c1",
        name={"en-US": "C1"},
        activity_type="http://adlnet.gov/expapi/activities/course",
    )
    Activity.objects.create(iri="https://example.org/m1", activity_type="http://x.example/meeting")
    listed = api_client.get(
        "/api/v1/learning/activities",
        {"activity_type": "http://adlnet.gov/expapi/activities/course"},
    ).json()
    assert [a["iri"] for a in listed["results"]] == ["https://example.org/c1"]
    detail = api_client.get(f"/api/v1/learning/activities/{course.pk}").json()
    assert detail["name"] == {"en-US": "C1"}
    assert api_client.get(f"/api/v1/learning/activities/{uuid.uuid4()}").status_code == 404
