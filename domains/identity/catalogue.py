"""Storing the seed catalogue of roles and permissions (``domain/catalogue.py``).

Only what is missing is created: a role an admin has edited keeps its permissions.
"""

from django.apps import apps as global_apps
from django.conf import settings

from domains.identity.domain.catalogue import PERMISSIONS, ROLES


def catalogue_seed(*, using: str, apps=global_apps, **kwargs) -> None:
    """``post_migrate`` receiver; runs on the users' database only. ``migrate`` passes
    its historical app registry, ``flush`` none (the installed apps are current)."""
    if using != settings.DATABASE_USERS_ALIAS:
        return
    try:
        Permission = apps.get_model("identity", "Permission")
        Role = apps.get_model("identity", "Role")
    except LookupError:  # migrated back before the catalogue's tables existed
        return
    for name, description in PERMISSIONS.items():
        Permission.objects.using(using).get_or_create(
            name=name, defaults={"description": description}
        )
    for name, permissions in ROLES.items():
        role, created = Role.objects.using(using).get_or_create(name=name)
        if created:
            role.permissions.add(*permissions)
