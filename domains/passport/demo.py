"""Demo framework, mapping rules and a credential for ``make run``.

The rules recognise the learning demo's statements (Ana's Django course, quiz and
mentoring workshop). Ana's evidence arrives from learning's events (the in-process
bus in the embedded run); once she holds a competency she gets a credential, Bruno's
endorsement and a share link (printed). Loading twice adds nothing.
"""

from contextlib import suppress

from django.db import transaction

from common.demo_ids import demo_member_id
from domains.passport import issuer
from domains.passport.domain.levels import Level
from domains.passport.models import (
    Competency,
    CompetencyFramework,
    CredentialRecord,
    MappingRule,
    ShareLink,
)
from domains.passport.services import (
    AlreadyEndorsed,
    NotHeld,
    credential_issue,
    endorsement_create,
    share_create,
)

VERBS = "http://adlnet.gov/expapi/verbs/"
DJANGO = "https://learn.example.org/courses/django-basics"
QUIZ = "https://learn.example.org/courses/django-basics/quiz"
SOURCING = "https://learn.example.org/courses/event-sourcing"
MENTORING = "https://learn.example.org/workshops/mentoring-101"

COMPETENCIES = [
    ("WEB-1", "Build a web API", Level.EXPERT),
    ("EVT-1", "Model a domain with events", Level.EXPERT),
    ("MNT-1", "Mentor a peer", Level.PROFICIENT),
]
RULES = [
    # competency, level, verb, activity id, minimum scaled score
    ("WEB-1", Level.AWARE, "launched", DJANGO, None),
    ("WEB-1", Level.PRACTISING, "passed", QUIZ, 0.8),
    ("WEB-1", Level.PROFICIENT, "completed", DJANGO, None),
    ("EVT-1", Level.AWARE, "experienced", SOURCING, None),
    ("MNT-1", Level.AWARE, "attended", MENTORING, None),
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
        for code, level, verb, activity, score in RULES:
            MappingRule.objects.get_or_create(
                competency=Competency.objects.get(framework=framework, code=code),
                level=level,
                verb_id=VERBS + verb,
                activity_id=activity,
                defaults={"min_score": score},
            )
    stdout.write(f"passport: framework '{framework}', {len(RULES)} mapping rules")
    ana = demo_member_id("ana@example.com")
    web = Competency.objects.get(framework=framework, code="WEB-1")
    if not CredentialRecord.objects.filter(member_id=ana).exists():
        try:
            credential_issue(member_id=ana, kind="competency", competency_id=web.id)
        except NotHeld:
            stdout.write("passport: Ana has no evidence yet (learning events not delivered)")
            return
    with suppress(AlreadyEndorsed):  # Loaded before.
        endorsement_create(
            member_id=ana,
            competency_id=web.id,
            endorser_id=demo_member_id("bruno@example.com"),
            comment="Ana's API for the study group is clean and well tested.",
        )
    record = CredentialRecord.objects.filter(member_id=ana).first()
    share = ShareLink.objects.filter(member_id=ana).first() or share_create(
        member_id=ana, sections=["competencies", "endorsements", "credentials"]
    )
    stdout.write(
        f"passport: Ana's credential {record.document['id']} (bundle: add /bundle), "
        f"her shared passport {issuer.origin()}/p/s/{share.id}"
    )
