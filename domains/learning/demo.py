"""Demo activities for ``make run``."""

from django.db import transaction

from domains.learning.models import Activity

COURSE = "http://adlnet.gov/expapi/activities/course"
ACTIVITIES = [
    ("https://learn.example.org/courses/django-basics", {"en-US": "Django basics"}, COURSE),
    ("https://learn.example.org/courses/event-sourcing", {"en-US": "Event sourcing"}, COURSE),
    (
        "https://learn.example.org/workshops/mentoring-101",
        {"en-US": "Mentoring 101", "es-ES": "Mentoría 101"},
        "http://adlnet.gov/expapi/activities/meeting",
    ),
]


def load(stdout) -> None:
    with transaction.atomic(using="learning"):
        for iri, name, activity_type in ACTIVITIES:
            Activity.objects.update_or_create(
                iri=iri, defaults={"name": name, "activity_type": activity_type}
            )
    stdout.write(f"learning: {len(ACTIVITIES)} activities")
