"""The ``format`` parameter of statement queries (xAPI-Communication §2.1.3):
``exact`` returns statements as stored, ``ids`` keeps only identifiers of agents,
groups, activities and verbs, ``canonical`` keeps one language per language map,
chosen by the request's Accept-Language."""

from __future__ import annotations

from typing import Any

from domains.learning.domain.xapi.agents import agent_identifier_only

_LANGUAGE_MAPS = {"display", "name", "description"}
#: Context properties xAPI 2.0 added; a 1.0.3 reader never sees them.
_CONTEXT_2_0 = ("contextAgents", "contextGroups")


def statement_for_1_0_3(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement without the properties xAPI 1.0.3 does not define (the context
    agents and groups of xAPI 2.0), here and in a sub-statement; unchanged (the same
    object) when it has none."""
    context = statement.get("context")
    obj = statement.get("object") or {}
    trimmed = statement
    if context and any(key in context for key in _CONTEXT_2_0):
        trimmed = {
            **statement,
            "context": {k: v for k, v in context.items() if k not in _CONTEXT_2_0},
        }
    if obj.get("objectType") == "SubStatement":
        sub = statement_for_1_0_3(obj)
        if sub is not obj:
            trimmed = {**trimmed, "object": sub}
    return trimmed


def _is_agent(value: dict[str, Any]) -> bool:
    return value.get("objectType") in ("Agent", "Group") or any(
        k in value for k in ("mbox", "mbox_sha1sum", "openid", "account")
    )


def statement_ids_format(statement: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if not isinstance(value, dict):
            return value
        if key in ("actor", "authority", "instructor", "team", "member") or (
            key == "object" and _is_agent(value)
        ):
            return agent_identifier_only(value)
        if key == "verb":
            return {"id": value["id"]}
        if key == "object" and value.get("objectType", "Activity") == "Activity":
            return {"objectType": "Activity", "id": value["id"]}
        if key in ("parent", "grouping", "category", "other"):
            return {"objectType": "Activity", "id": value["id"]}
        if key == "extensions":
            return value  # the client's own JSON, whatever its keys
        return {k: walk(v, k) for k, v in value.items()}

    return walk(statement)


def _pick(language_map: dict[str, str], preferred: list[str]) -> dict[str, str]:
    """One entry of ``language_map`` for the caller's languages (best first).

    RFC 4647 §3.4 lookup first: for each language in order, an exact tag, then the tag
    with its last subtags removed (``en-GB`` → ``en``). Only when no language finds one
    that way, a tag with the same primary subtag (``en`` finds ``en-US``); then the
    map's first entry."""
    by_tag = {key.lower(): key for key in language_map}
    for tag in preferred:
        subtags = tag.split("-")
        while subtags:
            key = by_tag.get("-".join(subtags))
            if key is not None:
                return {key: language_map[key]}
            subtags.pop()
    for tag in preferred:
        primary = tag.split("-")[0]
        for lowered, key in by_tag.items():
            if lowered.split("-")[0] == primary:
                return {key: language_map[key]}
    first = next(iter(language_map), None)
    return {first: language_map[first]} if first is not None else {}


def statement_canonical_format(statement: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    preferred = [tag.lower() for tag in languages]

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        if key in _LANGUAGE_MAPS and all(isinstance(v, str) for v in value.values()):
            return _pick(value, preferred)
        if key == "extensions":
            return value
        return {k: walk(v, k) for k, v in value.items()}

    return walk(statement)


def accept_languages(header: str) -> list[str]:
    """Language tags from an Accept-Language header, best first."""
    weighted = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*":
            weighted.append((-quality, i, tag))
    return [tag for _, _, tag in sorted(weighted)]
