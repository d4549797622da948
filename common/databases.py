"""The database aliases this process really has.

A process serving one part configures only that part's alias; ``default`` is then
Django's dummy backend, which Django insists on but which holds nothing. Every loop
over "this process's databases" (migrations, readiness, the relay's outboxes, pruning)
goes through ``served_aliases`` so none of them forgets to skip it.
"""

from __future__ import annotations

from django.conf import settings

_DUMMY = "django.db.backends.dummy"


def served_aliases() -> list[str]:
    """Every configured alias except the dummy ``default``, in settings order."""
    return [alias for alias, config in settings.DATABASES.items() if config["ENGINE"] != _DUMMY]
