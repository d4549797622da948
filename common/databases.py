"""The database aliases this process really has.

A process serving one part configures only that part's alias; ``default`` is then
Django's dummy backend, which Django insists on but which holds nothing. Every loop
over "this process's databases" (migrations, readiness, the relay's outboxes, pruning)
goes through ``served_aliases`` so none of them forgets to skip it.
"""

from __future__ import annotations

import contextlib

from django.conf import settings

_DUMMY = "django.db.backends.dummy"


def served_aliases() -> list[str]:
    """Every configured alias except the dummy ``default``, in settings order."""
    return [alias for alias, config in settings.DATABASES.items() if config["ENGINE"] != _DUMMY]


def unpooled_connection_params(alias: str) -> dict:
    """``psycopg.connect`` arguments for a connection of ``alias``'s own, outside
    Django's pool: Django's parameters (host, TLS, timeouts, application name) without
    the pool and Django's client-binding cursor class. For what must keep a session
    of its own: a ``LISTEN``, a kept health probe, a test's second session."""
    from django.db import connections

    params = connections[alias].get_connection_params()
    params.pop("pool", None)
    params.pop("cursor_factory", None)
    return params


def _postgres_aliases(aliases: list[str] | None = None) -> list[str]:
    return [
        alias
        for alias in aliases or served_aliases()
        if settings.DATABASES[alias]["ENGINE"] == "django.db.backends.postgresql"
    ]


def _server_connection(alias: str):
    """A direct connection (no pool) to the maintenance database of ``alias``'s server."""
    import psycopg

    config = settings.DATABASES[alias]
    options = config.get("OPTIONS", {})
    # The same TLS as Django's own connection: verify-full needs the CA bundle it names.
    tls = {key: options[key] for key in ("sslrootcert", "sslcert", "sslkey") if key in options}
    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        connect_timeout=options.get("connect_timeout", 5),
        sslmode=options.get("sslmode", "prefer"),
        autocommit=True,
        **tls,
    )


def _where(alias: str) -> str:
    config = settings.DATABASES[alias]
    return f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}"


def missing_databases(aliases: list[str] | None = None) -> dict[str, str]:
    """``{alias: database name}`` for each PostgreSQL alias whose database does not exist.

    Asked of the server directly, not through Django's connection: the pool would only
    say it "couldn't get a connection" after its timeout, hiding which database is
    missing.
    """
    missing = {}
    for alias in _postgres_aliases(aliases):
        name = settings.DATABASES[alias]["NAME"]
        with _server_connection(alias) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            missing[alias] = name
    return missing


def create_database(alias: str) -> None:
    """``CREATE DATABASE`` for ``alias`` (a concurrent creator winning is fine)."""
    import psycopg
    from psycopg import sql

    name = settings.DATABASES[alias]["NAME"]
    with _server_connection(alias) as conn, contextlib.suppress(psycopg.errors.DuplicateDatabase):
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def explain_unreachable() -> str | None:
    """One line per configured PostgreSQL database that cannot be used, by name and
    cause, or None when every one answers (the failure was something else)."""
    import psycopg

    lines = []
    for alias in _postgres_aliases():
        name = settings.DATABASES[alias]["NAME"]
        try:
            missing = missing_databases([alias])
        except psycopg.Error as exc:
            cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            lines.append(f"database {name!r} (alias {alias}) on {_where(alias)}: {cause}")
            continue
        if missing:
            lines.append(
                f"database {name!r} (alias {alias}) does not exist on {_where(alias)}: "
                "run `manage.py migrate_all --create-databases`"
            )
    return "\n".join(lines) or None
