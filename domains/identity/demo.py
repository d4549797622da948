"""Demo members for ``make run``: an admin, members with roles, a service client and an
API key, so a newcomer can sign in, call the API with a token, and see RBAC refuse."""

import os
from pathlib import Path

from django.conf import settings
from django.db import transaction

from common.demo_ids import demo_member_id
from common.secret_files import secret_file_write
from domains.identity.domain.roles import RoleChangeRefused
from domains.identity.models import ApiKey, RoleAssignment, ServiceClient, User
from domains.identity.services import user_register
from domains.identity.services.api_keys import api_key_create
from domains.identity.services.clients import service_client_create
from domains.identity.services.keys import signing_key_active
from domains.identity.services.roles import role_grant

ADMIN_EMAIL = "admin@example.com"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password-2026")

#: (e-mail, name, roles beyond the baseline learner)
MEMBERS = [
    ("ana@example.com", "Ana Learner", ()),
    ("bruno@example.com", "Bruno Mentor", ("mentor",)),
    ("chidi@example.com", "Chidi Space Owner", ("space_owner",)),
    ("dana@example.com", "Dana Moderator", ("moderator",)),
]


def load(stdout) -> None:
    with transaction.atomic(using="identity"):
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            User.objects.create_superuser(
                ADMIN_EMAIL, DEMO_PASSWORD, display_name="Admin", id=demo_member_id(ADMIN_EMAIL)
            )
        for email, name, _ in MEMBERS:
            if not User.objects.filter(email=email).exists():
                user_register(
                    email=email, password=DEMO_PASSWORD, display_name=name, id=demo_member_id(email)
                )
    admin_id = demo_member_id(ADMIN_EMAIL)
    for email, _, roles in MEMBERS:
        user = User.objects.get(email=email)
        for role in roles:
            if not RoleAssignment.objects.filter(user=user, role_id=role).exists():
                try:
                    role_grant(user=user, role=role, granted_by=admin_id)
                except RoleChangeRefused:
                    # Its audit already has the grant: a database that tables were emptied
                    # from and the event store not (a test's flush). Nothing to add.
                    continue
    signing_key_active()
    stdout.write(f"identity: admin login {ADMIN_EMAIL} / {DEMO_PASSWORD}")
    _demo_credentials(stdout)


def _demo_credentials(stdout) -> None:
    """An API key for Ana and a service client; their secrets exist only once, so they
    are written to a file in the data folder (never in the repository)."""
    lines = []
    if not ApiKey.objects.filter(name="demo key").exists():
        ana = User.objects.get(email="ana@example.com")
        _, key = api_key_create(
            user=ana, name="demo key", scopes=["account.manage_own", "rating.read"], expires_at=None
        )
        lines.append(f"API key of ana@example.com (scopes account.manage_own rating.read): {key}")
    if not ServiceClient.objects.filter(name="demo-marketplace").exists():
        _, secret = service_client_create(
            name="demo-marketplace", audiences=["identity", "learning"], scopes=["user.read"]
        )
        lines.append(
            f"Service client demo-marketplace secret (audiences identity, learning): {secret}"
        )
    target = Path(settings.DATA_DIR) / "demo-credentials.txt"
    if lines:
        secret_file_write(target, "\n".join(lines) + "\n", append=True)
    stdout.write(f"identity: demo API key and service client secret in {target}")
