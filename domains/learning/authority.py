"""The accounts the LRS records as a statement's ``authority`` and names members by.

Each kind of writer has its own home page under ``LRS_AUTHORITY_HOMEPAGE``:
``/clients`` (LRS clients), ``/members``, ``/services`` and ``/imports`` (the legacy
copy). Built in this one place, no writer can be given another kind's account
(docs/xapi.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def lrs_account(kind: str, name: str, display: str | None = None) -> dict[str, Any]:
    """The agent ``name`` of ``kind`` (``clients``, ``members``, ``services``, ``imports``)."""
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/{kind}", "name": name},
    }
    if display:
        agent["name"] = display
    return agent
