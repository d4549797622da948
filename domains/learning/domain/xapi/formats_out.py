"""The ``format`` parameter of statement queries (xAPI-Communication §2.1.3):
``exact`` returns statements as stored, ``ids`` keeps only identifiers of agents,
groups, activities and verbs, ``canonical`` keeps one language per language map,
chosen by the request's Accept-Language."""

from __future__ import annotations

from typing import Any

from domains.learning.domain.xapi.agents import agent_identifier_only

_LANGUAGE_MAPS = {"display", "name", "description"}


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
        return {k: walk(v, k) for k, v in value.items()}

    return walk(statement)


def _pick(language_map: dict[str, str], preferred: list[str]) -> dict[str, str]:
    for tag in preferred:
        for key in language_map:
            if key.lower() == tag or key.lower().split("-")[0] == tag.split("-")[0]:
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
