"""One database per domain, built from the environment.

Resolution order for an alias (``default``, ``identity``, ``learning``, ...):

1. ``DATABASE_URL_<ALIAS>``: a full URL for that alias (production: one managed
   PostgreSQL per domain).
2. ``DATABASE_SERVER_URL``: one server for all aliases (local and CI); each alias gets
   its own database on it, named ``<DATABASE_NAME_PREFIX><alias>``.
3. Neither: the embedded default, one SQLite file per alias under ``DATA_DIR``.

PostgreSQL connections use psycopg 3's pool (``DATABASE_POOL``; Django hands the pool
a health check when ``CONN_HEALTH_CHECKS`` is on) and pass TLS options (``DATABASE_SSLMODE``,
``DATABASE_SSLROOTCERT``) through to libpq.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from config.env import choice, read

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def _alias_variable(alias: str) -> str:
    return f"DATABASE_URL_{alias.upper()}"


def _parse_url(variable: str, url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "sqlite") or (
        parts.scheme != "sqlite" and not parts.hostname
    ):
        raise ImproperlyConfigured(
            f"The {variable} environment variable must be a postgres:// or sqlite:// URL, "
            f"got {url!r}."
        )
    try:
        return environ.Env.db_url_config(url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"The {variable} environment variable is invalid: {exc}"
        ) from None


def _postgres_options(service: str) -> dict[str, Any]:
    options: dict[str, Any] = {
        "connect_timeout": read("DATABASE_CONNECT_TIMEOUT", "int", 5),
        "application_name": f"platform-{service}",
    }
    sslmode = choice("DATABASE_SSLMODE", SSL_MODES, "prefer")
    options["sslmode"] = sslmode
    rootcert = read("DATABASE_SSLROOTCERT", "str", "")
    if rootcert:
        if not Path(rootcert).is_file():
            raise ImproperlyConfigured(
                f"The DATABASE_SSLROOTCERT environment variable names {rootcert!r}, "
                "which is not a readable file."
            )
        options["sslrootcert"] = rootcert
    # Django's cursors bind parameters on the client and never prepare, whatever this
    # says; the event store's append asks for its one statement to be prepared, which
    # psycopg does only when the threshold is set (Django's default is None). Off
    # (false): behind a pooler in transaction mode that cannot keep prepared statements
    # (PgBouncer before 1.21, or without max_prepared_statements).
    prepared = read("DATABASE_PREPARED_STATEMENTS", "bool", True)
    options["prepare_threshold"] = 5 if prepared else None
    if read("DATABASE_POOL", "bool", True):
        min_size = read("DATABASE_POOL_MIN_SIZE", "int", 1)
        max_size = read("DATABASE_POOL_MAX_SIZE", "int", 10)
        if not 0 <= min_size <= max_size or max_size < 1:
            raise ImproperlyConfigured(
                "DATABASE_POOL_MIN_SIZE and DATABASE_POOL_MAX_SIZE must satisfy "
                f"0 <= min <= max and max >= 1 (got {min_size} and {max_size})."
            )
        options["pool"] = {
            "min_size": min_size,
            "max_size": max_size,
            "timeout": read("DATABASE_POOL_TIMEOUT", "float", 10.0),
            # psycopg_pool retries a failed connection with doubling delays until this
            # many seconds have passed (default 300: a 35 s outage left it asleep for
            # 16 s after the server was back). Kept short, a request that needs a
            # connection starts a fresh attempt at once, so the pool recovers within
            # about a second of the database coming back.
            "reconnect_timeout": read("DATABASE_POOL_RECONNECT_TIMEOUT", "float", 2.0),
        }
    return options


def _with_database(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_config(alias: str, *, service: str, data_dir: Path) -> dict[str, Any]:
    """The ``DATABASES`` entry for one alias."""
    own_url = read(_alias_variable(alias), "str", "")
    server_url = read("DATABASE_SERVER_URL", "str", "")
    if own_url:
        config = _parse_url(_alias_variable(alias), own_url)
    elif server_url:
        prefix = read("DATABASE_NAME_PREFIX", "str", "platform_")
        config = _parse_url("DATABASE_SERVER_URL", _with_database(server_url, prefix + alias))
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / f"{alias}.sqlite3"),
        }

    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers proceed while a writer commits; the busy timeout makes
        # concurrent writers wait instead of failing at once.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **_postgres_options(service)}
        config["CONN_HEALTH_CHECKS"] = read("DATABASE_CONN_HEALTH_CHECKS", "bool", True)
        # A pool owns connection reuse; Django refuses persistent connections with it.
        config["CONN_MAX_AGE"] = 0 if "pool" in config["OPTIONS"] else 60
    # No alias depends on another: each domain's test database is created on its own,
    # so a test asking for one alias does not need `default` set up first.
    config["TEST"] = {"DEPENDENCIES": []}
    return config


def databases(aliases: tuple[str, ...], *, service: str, data_dir: Path) -> dict[str, Any]:
    """``DATABASES`` for the aliases this process uses. ``default`` always exists.

    A process that does not own ``default`` (say ``SERVICE=learning``) gets a dummy
    ``default`` that raises on use, so a stray query outside its own database fails
    loudly instead of opening a connection it should not have.
    """
    result = {
        alias: database_config(alias, service=service, data_dir=data_dir) for alias in aliases
    }
    result.setdefault(
        "default", {"ENGINE": "django.db.backends.dummy", "TEST": {"DEPENDENCIES": []}}
    )
    return result
