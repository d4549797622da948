#!/usr/bin/env python
"""Django's command-line utility for the platform.

A shell with no configuration reads ``make run``'s local settings (``var/local.env``,
see ``config.env.load_local_settings``), so the README's commands work in a new
terminal. A command that fails while a configured database is missing or unreachable
is explained by name and cause, one line per database, instead of a traceback ending
in the pool's bare "couldn't get a connection".
"""

import os
import sys


def _explain_databases() -> str | None:
    """Whatever layer gave up (Django's pool timeout, the event store's own connection,
    eventsourcing's wrapper), ask the servers directly what is wrong with which database;
    None when they are fine or the settings never loaded (the original error stands)."""
    try:
        from common.databases import explain_unreachable

        return explain_unreachable()
    except Exception:  # noqa: BLE001 - the original error is the one to show
        return None


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import load_local_settings

    load_local_settings()
    try:
        execute_from_command_line(sys.argv)
    except Exception:
        explanation = _explain_databases()
        if not explanation:
            raise
        sys.stderr.write(explanation + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
