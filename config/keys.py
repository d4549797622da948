"""Django's own bar for a signing key, applied at start-up.

Django's deployment check (``security.W009``) asks for at least 50 characters, 5 of
them distinct, and no ``django-insecure-`` prefix (what ``startproject`` writes). The
platform refuses to start with DEBUG off on a key below that bar, so a weak key never
signs a session, a reset link or a stored signing key; reusing Django's constants keeps
the two rules one rule.
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

#: Placeholders that must never sign anything in production, whatever their length.
KNOWN_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "insecure-dev-key"}

RULE = (
    f"at least {SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them "
    f"distinct, not starting with {SECRET_KEY_INSECURE_PREFIX!r}"
)
GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def strong_key(key: str) -> bool:
    """True when ``key`` meets Django's deployment bar and is no known placeholder."""
    return (
        key not in KNOWN_PLACEHOLDERS
        and len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )
