"""``manage.py check --deploy``: the platform's own production rules.

Start-up already refuses a missing, placeholder or short (< 32 characters) key with
DEBUG off. A deployment must meet Django's own bar (50 characters, 5 distinct ones):
this check makes falling short an error of the deployment check, not a warning.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


@checks.register(checks.Tags.security, deploy=True)
def secret_key_strength(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    key = settings.SECRET_KEY
    if len(key) >= SECRET_KEY_MIN_LENGTH and len(set(key)) >= SECRET_KEY_MIN_UNIQUE:
        return []
    return [
        checks.Error(
            f"SECRET_KEY has {len(key)} characters ({len(set(key))} distinct); a deployment "
            f"needs at least {SECRET_KEY_MIN_LENGTH} ({SECRET_KEY_MIN_UNIQUE} distinct).",
            hint='python -c "import secrets; print(secrets.token_urlsafe(48))"',
            id="platform.E001",
        )
    ]
