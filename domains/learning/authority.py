"""The accounts the LRS records as a statement's ``authority`` and names members by.

Each kind of writer has its own home page under ``LRS_AUTHORITY_HOMEPAGE``:
``/clients`` (LRS clients), ``/members``, ``/services`` and ``/imports`` (the legacy
copy). Built in this one place, no writer can be given another kind's account
(docs/xapi.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from common.refusals import Forbidden
from domains.learning.domain.xapi.agents import agent_ifi as ifi_of


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


class DocumentRefused(Forbidden):
    """A member's token asked for a document about someone else (403)."""


def document_reach(
    *, authority: dict[str, Any], read_all: bool, agent_ifi: str, kind: str, write: bool
) -> str | None:
    """Who may reach which xAPI document (the rule next to statements' read-mine rule,
    docs/xapi.md). A member reaches State and Agent Profile documents about themselves
    only, and reads Activity Profiles (shared by everyone on the activity) without
    changing them. Any other writer reaches every document if it may read all
    statements, else only the documents it wrote: the IFI to scope to is returned
    (None: no scope). Raises ``DocumentRefused``."""
    writer = ifi_of(authority)
    if writes_only_about_self(authority):
        if kind == "activity_profile":
            if write:
                raise DocumentRefused("A member's token reads activity profiles, never writes.")
            return None
        if agent_ifi != writer:
            raise DocumentRefused("A member's token reaches only documents about that member.")
        return None
    return None if read_all else writer
