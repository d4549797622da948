"""Agents and groups are identified by exactly one inverse functional identifier (IFI).

``agent_ifi`` turns the IFI into one string, the form the LRS indexes and the
published ``StatementRecorded.actor_ifi`` carries: ``mailto:ana@example.com``,
``mbox_sha1sum:<hex>``, ``openid:<uri>`` or ``account:<homePage>|<name>``.
"""

from __future__ import annotations

from typing import Any

from common.api.json_limits import json_loads_limited

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


def agent_ifi(agent: dict[str, Any]) -> str:
    """The IFI of a validated agent or identified group; "" for an anonymous group."""
    if "mbox" in agent:
        return agent["mbox"]
    if "mbox_sha1sum" in agent:
        return f"mbox_sha1sum:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    return ""


def agent_identifier_only(agent: dict[str, Any]) -> dict[str, Any]:
    """The agent reduced to its objectType and IFI (the ``ids`` format)."""
    reduced = {k: agent[k] for k in IFI_PROPERTIES if k in agent}
    reduced["objectType"] = agent.get("objectType", "Agent")
    if reduced["objectType"] == "Group" and not any(k in agent for k in IFI_PROPERTIES):
        reduced["member"] = [agent_identifier_only(m) for m in agent.get("member", [])]
    return reduced


#: An agent (or a group of agents with accounts) is a few levels deep at most.
AGENT_MAX_DEPTH = 8


def agent_from_query(raw: str) -> dict[str, Any]:
    """The ``agent`` query parameter: a JSON agent object. Raises ValueError."""
    value = json_loads_limited(raw, max_depth=AGENT_MAX_DEPTH)
    if not isinstance(value, dict):
        raise ValueError("agent must be a JSON object")
    return value


def agents_in(statement: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(direct, related) agent IFIs of a statement.

    Direct: the actor and an agent or group object (and an identified group's
    members), which the ``agent`` filter matches. Related adds authority, context
    instructor and team, xAPI 2.0's context agents and groups, and the agents inside a
    sub-statement (``related_agents=true``)."""
    direct: set[str] = set()
    related: set[str] = set()

    def add(target: set[str], agent: dict[str, Any] | None) -> None:
        if not agent:
            return
        ifi = agent_ifi(agent)
        if ifi:
            target.add(ifi)
        for member in agent.get("member", []) or []:
            target.add(agent_ifi(member))

    add(direct, statement.get("actor"))
    obj = statement.get("object", {})
    if obj.get("objectType") in ("Agent", "Group"):
        add(direct, obj)
    add(related, statement.get("authority"))
    context = statement.get("context") or {}
    add(related, context.get("instructor"))
    add(related, context.get("team"))
    # xAPI 2.0 context agents and groups count among the related agents.
    for item in context.get("contextAgents") or []:
        add(related, item.get("agent"))
    for item in context.get("contextGroups") or []:
        add(related, item.get("group"))
    if obj.get("objectType") == "SubStatement":
        sub_direct, sub_related = agents_in(obj)
        related |= sub_direct | sub_related
    related |= direct
    return direct, related


def activities_in(statement: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(direct, related) activity ids: the object, then context activities and a
    sub-statement's activities (``related_activities=true``)."""
    direct: set[str] = set()
    related: set[str] = set()
    obj = statement.get("object", {})
    if obj.get("objectType", "Activity") == "Activity" and "id" in obj:
        direct.add(obj["id"])
    context = statement.get("context") or {}
    for activities in (context.get("contextActivities") or {}).values():
        for activity in activities if isinstance(activities, list) else [activities]:
            related.add(activity["id"])
    if obj.get("objectType") == "SubStatement":
        sub_direct, sub_related = activities_in(obj)
        related |= sub_direct | sub_related
    related |= direct
    return direct, related
