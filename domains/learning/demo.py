"""Demo data for ``make run``: the activity catalogue, an LRS client for learning
tools, and Ana's learning as xAPI statements (one of them voided) plus a saved state.

Statement ids are fixed, so a second run stores nothing new (an identical statement
is a no-op in the LRS). The client's secret is written once to
``DATA_DIR/demo-lrs-credentials.txt``.
"""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from common.demo_ids import demo_member_id
from common.secret_files import secret_file_write
from domains.learning.authority import lrs_account
from domains.learning.models import Activity, LrsClient
from domains.learning.selectors import member_ifi
from domains.learning.services.clients import lrs_client_create
from domains.learning.services.documents import DocumentKey, document_write
from domains.learning.services.statements import statements_store

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
VERBS = "http://adlnet.gov/expapi/verbs/"
CLIENT_NAME = "Demo course player"


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://learn.example.org/demo/{name}"))


def _statements(ana: dict) -> list[dict]:
    django, sourcing, mentoring = ({"id": iri, "definition": {"name": name, "type": kind}}
                                   for iri, name, kind in ACTIVITIES)  # fmt: skip
    quiz = {"id": "https://learn.example.org/courses/django-basics/quiz",
            "definition": {"name": {"en-US": "Django basics quiz"},
                           "type": "http://adlnet.gov/expapi/activities/assessment"}}  # fmt: skip
    parent = {"contextActivities": {"parent": [{"id": django["id"]}]}}

    def said(name, verb, obj, day, **extra):
        return {"id": _id(name), "actor": ana, "object": obj,
                "verb": {"id": VERBS + verb, "display": {"en-US": verb}},
                "timestamp": f"2026-03-{day:02d}T09:30:00Z", **extra}  # fmt: skip

    return [
        said("ana-launched-django", "launched", django, 2),
        said("ana-failed-quiz", "failed", quiz, 3, context=parent,
             result={"score": {"scaled": 0.45, "raw": 9, "min": 0, "max": 20}, "success": False}),
        said("ana-passed-quiz", "passed", quiz, 5, context=parent,
             result={"score": {"scaled": 0.9, "raw": 18, "min": 0, "max": 20}, "success": True,
                     "duration": "PT24M"}),
        said("ana-completed-django", "completed", django, 6,
             result={"completion": True, "duration": "PT6H"}),
        said("ana-attended-mentoring", "attended", mentoring, 9,
             context={"registration": _id("mentoring-101-spring"), "language": "es-ES"}),
        said("ana-experienced-sourcing", "experienced", sourcing, 12),
        # Recorded twice by mistake; the tool voided the duplicate.
        said("ana-experienced-sourcing-again", "experienced", sourcing, 12),
        said("void-duplicate", "voided", {"objectType": "StatementRef",
             "id": _id("ana-experienced-sourcing-again")}, 12),
    ]  # fmt: skip


def load(stdout) -> None:
    with transaction.atomic(using="learning"):
        for iri, name, activity_type in ACTIVITIES:
            Activity.objects.update_or_create(
                iri=iri, defaults={"name": name, "activity_type": activity_type}
            )
    if not LrsClient.objects.filter(name=CLIENT_NAME).exists():
        client, secret = lrs_client_create(name=CLIENT_NAME)
        target = Path(settings.DATA_DIR) / "demo-lrs-credentials.txt"
        secret_file_write(target, f"LRS client (HTTP Basic for /xapi/): {client.key}:{secret}\n")
        stdout.write(f"learning: LRS client credentials in {target}")
    client = LrsClient.objects.get(name=CLIENT_NAME)
    authority = lrs_account("clients", client.key, CLIENT_NAME)
    ana_id = demo_member_id("ana@example.com")
    ana = lrs_account("members", str(ana_id), "Ana")
    statements = _statements(ana)
    statements_store(
        statements=statements,
        authority=authority,
        batch=True,
        now=lambda: datetime(2026, 3, 12, 18, 0, tzinfo=UTC),
    )
    document_write(
        key=DocumentKey(
            kind="state",
            activity_id=ACTIVITIES[1][0],
            agent_ifi=member_ifi(member_id=ana_id),
            document_id="bookmark",
        ),
        content=json.dumps({"chapter": 3, "page": 14}).encode(),
        content_type="application/json",
        merge=False,
        if_match=None,
        if_none_match=None,
        require_precondition=False,
    )
    stdout.write(
        f"learning: {len(ACTIVITIES)} activities, {len(statements)} statements by Ana "
        f"(member {ana_id}), one voided"
    )
