"""Reading the environment, failing fast with the variable's name.

django-environ parses the values; this wrapper turns its low-level errors (a bare
``ValueError`` from ``int("abc")``, a URL it cannot parse) into ``ImproperlyConfigured``
messages that name the offending variable, so a bad deployment stops at start-up with
a sentence an operator can act on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

#: Written by ``make run`` (git-ignored, like everything under ``var/``): the settings of
#: the local demo, so ``.venv/bin/python manage.py ...`` works in any new terminal.
LOCAL_ENV_FILE = BASE_DIR / "var" / "local.env"

env = environ.Env()

_MISSING = object()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _strict_bool(name: str, default: Any = _MISSING) -> bool:
    """A boolean that refuses typos: ``DEBUG=ture`` must not silently mean False."""
    raw = env.str(name, default=None)
    if raw is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ValueError(f"expected one of {sorted(_TRUE | _FALSE - {''})}")
    return value in _TRUE


def read(name: str, cast: Callable[..., Any] | str = "str", default: Any = _MISSING) -> Any:
    """Return the variable ``name`` parsed with django-environ's ``cast`` method.

    ``cast`` names an ``environ.Env`` method (``"int"``, ``"list"``, ...) or ``"bool"``,
    which is parsed strictly.
    """
    if cast == "bool":
        parse = _strict_bool
    else:
        parse = getattr(env, cast) if isinstance(cast, str) else cast
    try:
        if default is _MISSING:
            return parse(name)
        return parse(name, default=default)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(f"Set the {name} environment variable.") from None
    except (ValueError, TypeError, KeyError) as exc:
        raw = env.str(name, default="")
        raise ImproperlyConfigured(
            f"The {name} environment variable is invalid ({raw!r}): {exc}"
        ) from None


def choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Return ``name`` if it is one of ``choices``; anything else stops start-up."""
    value = read(name, "str", default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"The {name} environment variable is {value!r}; expected one of: {', '.join(choices)}."
        )
    return value


def load_local_settings(path: Path | None = None) -> Path | None:
    """Fill the environment from ``make run``'s local settings file, if there is one.

    Only a shell with no deployment configuration reads it: when ``SECRET_KEY`` is set
    (a deployment, a container, the test suite) the file is ignored entirely, so a demo
    left on a laptop never changes how a configured process starts. Variables already in
    the environment win over the file's. Returns the file read, or None.
    """
    if os.environ.get("SECRET_KEY"):
        return None
    path = path or Path(os.environ.get("LOCAL_ENV_FILE", LOCAL_ENV_FILE))
    if not path.is_file():
        return None
    environ.Env.read_env(str(path), overwrite=False)
    return path
