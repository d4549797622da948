"""A demo competency framework for ``make run``."""

from django.db import transaction

from domains.passport.domain.levels import Level
from domains.passport.models import Competency, CompetencyFramework

COMPETENCIES = [
    ("WEB-1", "Build a web API", Level.EXPERT),
    ("EVT-1", "Model a domain with events", Level.EXPERT),
    ("MNT-1", "Mentor a peer", Level.PROFICIENT),
]


def load(stdout) -> None:
    with transaction.atomic(using="passport"):
        framework, _ = CompetencyFramework.objects.get_or_create(
            name="Community developer skills",
            version="1.0",
            defaults={"description": "Skills the community recognises in its members."},
        )
        for code, name, max_level in COMPETENCIES:
            Competency.objects.update_or_create(
                framework=framework, code=code, defaults={"name": name, "max_level": max_level}
            )
    stdout.write(f"passport: framework '{framework}' with {len(COMPETENCIES)} competencies")
