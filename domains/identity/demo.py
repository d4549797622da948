"""Demo members for ``make run``: an admin and a few learners."""

import os

from django.db import transaction

from common.demo_ids import demo_member_id
from domains.identity.models import User
from domains.identity.services import user_register

ADMIN_EMAIL = "admin@example.com"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password-2026")

MEMBERS = [
    ("ana@example.com", "Ana Learner"),
    ("bruno@example.com", "Bruno Mentor"),
    ("chidi@example.com", "Chidi Space Owner"),
]


def load(stdout) -> None:
    with transaction.atomic(using="identity"):
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            User.objects.create_superuser(
                ADMIN_EMAIL, DEMO_PASSWORD, display_name="Admin", id=demo_member_id(ADMIN_EMAIL)
            )
        for email, name in MEMBERS:
            if not User.objects.filter(email=email).exists():
                user_register(
                    email=email, password=DEMO_PASSWORD, display_name=name, id=demo_member_id(email)
                )
    stdout.write(f"identity: admin login {ADMIN_EMAIL} / {DEMO_PASSWORD}")
