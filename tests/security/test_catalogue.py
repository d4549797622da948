"""The roles and permissions are data seeded at migrate time, and put back after a
flush (transactional tests, ``manage.py flush``) like Django's own permissions."""

import pytest
from django.core.management import call_command

from domains.identity.domain.catalogue import PERMISSIONS, ROLES
from domains.identity.models import Permission, Role


def catalogue() -> dict[str, set[str]]:
    return {
        role.name: set(role.permissions.values_list("name", flat=True))
        for role in Role.objects.prefetch_related("permissions")
    }


@pytest.mark.django_db(databases=["default", "identity"], transaction=True)
def test_the_catalogue_is_seeded_and_survives_a_flush():
    expected = {name: set(permissions) for name, permissions in ROLES.items()}
    assert catalogue() == expected
    call_command("flush", database="identity", interactive=False, verbosity=0)
    assert catalogue() == expected
    assert set(Permission.objects.values_list("name", flat=True)) == set(PERMISSIONS)
