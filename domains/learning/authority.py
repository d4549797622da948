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


def writes_only_about_self(authority: dict[str, Any]) -> bool:
    """Whether this writer may record learning only about itself: a member (their own
    token or API key). LRS clients (tools), services and the legacy import write for
    anyone; their ``authority`` on every statement says who vouched for it, and
    consumers decide which authorities count as evidence (docs/xapi.md)."""
    home_page = (authority.get("account") or {}).get("homePage", "")
    return home_page == f"{settings.LRS_AUTHORITY_HOMEPAGE}/members"
