"""Seed the roles and named permissions (data; admins edit them afterwards).

The catalogue is copied here rather than imported: a migration must mean the same
thing forever, whatever the catalogue module says later.
"""

from django.db import migrations

PERMISSIONS = {
    "account.manage_own": "See and edit one's own account and profile, change password, leave.",
    "api_key.manage_own": "Create, list and revoke one's own API keys.",
    "rating.give": "Rate another member.",
    "rating.read": "Read the ratings that count for a member.",
    "statement.write": "Record learning statements.",
    "proposal.create": "Put a proposal to the community.",
    "proposal.vote": "Vote on a proposal.",
    "booking.create": "Book a learning space.",
    "credential.issue": "Issue competencies and credentials to learners.",
    "space.manage_own": "List and run one's own learning spaces.",
    "content.moderate": "Hide content and handle reports.",
    "user.read": "Read any member's account.",
    "user.manage": "Deactivate and reactivate any member's account.",
    "role.grant": "Grant and revoke roles.",
    "service_client.manage": "Register service clients and rotate their secrets.",
}

ROLES = {
    "learner": (
        "Every member (baseline, never granted).",
        ["account.manage_own", "api_key.manage_own", "rating.give", "rating.read",
         "statement.write", "proposal.create", "proposal.vote", "booking.create"],
    ),
    "mentor": ("Guides learners and issues credentials.", ["credential.issue"]),
    "space_owner": ("Offers learning spaces.", ["space.manage_own"]),
    "moderator": ("Keeps the community safe.", ["content.moderate", "user.read"]),
    "admin": ("Runs the platform.", list(PERMISSIONS)),
}


def seed(apps, schema_editor):
    alias = schema_editor.connection.alias
    Permission = apps.get_model("identity", "Permission")
    Role = apps.get_model("identity", "Role")
    for name, description in PERMISSIONS.items():
        Permission.objects.using(alias).get_or_create(name=name, defaults={"description": description})
    for name, (description, permissions) in ROLES.items():
        role, _ = Role.objects.using(alias).get_or_create(name=name, defaults={"description": description})
        role.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_roles_keys_clients_api_keys")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
