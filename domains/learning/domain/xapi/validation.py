"""Statement validation per xAPI 1.0.3, Part Two §2.4 (statement properties), and
the rules xAPI 2.0 (IEEE 9274.1.1-2023) changes (``v2=True``).

``statement_validate`` raises ``XapiInvalid`` naming the first property that breaks a
rule and returns the statement in the LRS's normalised form (single context
activities become arrays, §2.4.6.2). Unknown properties are refused (§2.2: an LRS
rejects a statement with properties it does not know). The LRS-assigned properties
(``id`` when missing, ``stored``, ``authority``, ``version``) are set by the service.

What 2.0 changes here: ``context.contextAgents`` and ``context.contextGroups`` exist;
``version`` may be 1.0.x or 2.0.x; timestamps are RFC 3339 (a time zone is required).
"""

from __future__ import annotations

import re
from typing import Any

from domains.learning.domain.xapi.agents import IFI_PROPERTIES
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.formats import (
    is_duration,
    is_iri,
    is_irl,
    is_language_tag,
    is_mailto,
    is_rfc3339,
    is_sha1,
    is_uuid,
    parse_timestamp,
)

Path = tuple[str | int, ...]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp",
    "stored", "authority", "version", "attachments",
}  # fmt: skip
SUBSTATEMENT_KEYS = {
    "objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments",
}  # fmt: skip
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",
}  # fmt: skip
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")
#: Context properties xAPI 2.0 adds (IEEE 9274.1.1 §4.2.2.5 Context).
CONTEXT_KEYS_2_0 = {"contextAgents", "contextGroups"}
#: Statement versions accepted: 1.0.3 takes 1.0.x (Data §2.4.10); 2.0 takes 1.0.x and
#: 2.0.x (IEEE 9274.1.1 §4.2.4.3).
_VERSIONS = {False: re.compile(r"^1\.0(\.\d+)?$"), True: re.compile(r"^[12]\.0(\.\d+)?$")}
#: Activity definition properties that only make sense for an interaction activity.
INTERACTION_PROPERTIES = (
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
)


def _fail(path: Path, message: str) -> XapiInvalid:
    return XapiInvalid(path, message)


def _object(value: Any, path: Path, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    for key, item in value.items():
        if key not in allowed:
            raise _fail((*path, key), "is not a property xAPI 1.0.3 defines here")
        if item is None:
            raise _fail((*path, key), "must not be null")
    return value


def _string(value: Any, path: Path) -> None:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")


def _iri(value: Any, path: Path) -> None:
    if not is_iri(value):
        raise _fail(path, "must be an absolute IRI")


def language_map(value: Any, path: Path) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be a language map (a JSON object)")
    for tag, text in value.items():
        if not is_language_tag(tag):
            raise _fail((*path, tag), "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise _fail((*path, tag), "must be a string")


def extensions(value: Any, path: Path) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    for key in value:
        if not is_iri(key):
            raise _fail((*path, key), "extension keys must be absolute IRIs")


def agent(value: Any, path: Path, *, group_allowed: bool = True) -> None:
    """An Agent or Group (§2.4.2): exactly one IFI; a group's members are agents."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Agent")
    if kind == "Group" and group_allowed:
        _object(value, path, {"objectType", "name", "member", *IFI_PROPERTIES})
        if "member" in value:
            if not isinstance(value["member"], list):
                raise _fail((*path, "member"), "must be an array of agents")
            for i, member in enumerate(value["member"]):
                if isinstance(member, dict) and member.get("objectType") == "Group":
                    raise _fail((*path, "member", i), "a group's members must be agents")
                agent(member, (*path, "member", i), group_allowed=False)
        identified = [k for k in IFI_PROPERTIES if k in value]
        if not identified and not value.get("member"):
            raise _fail((*path, "member"), "an anonymous group needs members")
    elif kind == "Agent":
        _object(value, path, {"objectType", "name", *IFI_PROPERTIES})
        identified = [k for k in IFI_PROPERTIES if k in value]
        if not identified:
            raise _fail(path, "an agent needs one of mbox, mbox_sha1sum, openid, account")
    else:
        raise _fail((*path, "objectType"), f"must be 'Agent'{' or Group' * group_allowed}")
    if len(identified) > 1:
        raise _fail((*path, identified[1]), "an agent or group has exactly one identifier")
    if "name" in value:
        _string(value["name"], (*path, "name"))
    if "mbox" in value and not is_mailto(value["mbox"]):
        raise _fail((*path, "mbox"), "must be a mailto: IRI")
    if "mbox_sha1sum" in value and not is_sha1(value["mbox_sha1sum"]):
        raise _fail((*path, "mbox_sha1sum"), "must be 40 hexadecimal characters")
    if "openid" in value:
        _iri(value["openid"], (*path, "openid"))
    if "account" in value:
        account = _object(value["account"], (*path, "account"), {"homePage", "name"})
        if not is_irl(account.get("homePage")):
            raise _fail((*path, "account", "homePage"), "must be an IRL")
        if not isinstance(account.get("name"), str):
            raise _fail((*path, "account", "name"), "must be a string")


def verb(value: Any, path: Path) -> None:
    _object(value, path, {"id", "display"})
    _iri(value.get("id"), (*path, "id"))
    if "display" in value:
        language_map(value["display"], (*path, "display"))


def _interaction_components(value: Any, path: Path) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be an array of interaction components")
    seen: set[str] = set()
    for i, component in enumerate(value):
        _object(component, (*path, i), {"id", "description"})
        if not isinstance(component.get("id"), str) or component["id"] in seen:
            raise _fail((*path, i, "id"), "must be a string, unique in its list")
        seen.add(component["id"])
        if "description" in component:
            language_map(component["description"], (*path, i, "description"))


def activity_definition(value: Any, path: Path) -> None:
    allowed = {
        "name", "description", "type", "moreInfo", "extensions", "interactionType",
        "correctResponsesPattern", "choices", "scale", "source", "target", "steps",
    }  # fmt: skip
    _object(value, path, allowed)
    for key in ("name", "description"):
        if key in value:
            language_map(value[key], (*path, key))
    if "type" in value:
        _iri(value["type"], (*path, "type"))
    if "moreInfo" in value and not is_irl(value["moreInfo"]):
        raise _fail((*path, "moreInfo"), "must be an IRL")
    if "extensions" in value:
        extensions(value["extensions"], (*path, "extensions"))
    if "interactionType" in value and (
        not isinstance(value["interactionType"], str)
        or value["interactionType"] not in INTERACTION_TYPES
    ):
        raise _fail((*path, "interactionType"), "is not an xAPI interaction type (a string)")
    for key in INTERACTION_PROPERTIES:
        # Data §2.4.4.1: interaction components belong to an interaction activity.
        if key in value and "interactionType" not in value:
            raise _fail((*path, key), "needs an interactionType")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise _fail((*path, "correctResponsesPattern"), "must be an array of strings")
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in value:
            _interaction_components(value[key], (*path, key))


def activity(value: Any, path: Path) -> None:
    _object(value, path, {"objectType", "id", "definition"})
    if value.get("objectType", "Activity") != "Activity":
        raise _fail((*path, "objectType"), "must be 'Activity'")
    _iri(value.get("id"), (*path, "id"))
    if "definition" in value:
        activity_definition(value["definition"], (*path, "definition"))


def statement_ref(value: Any, path: Path) -> None:
    _object(value, path, {"objectType", "id"})
    if not is_uuid(value.get("id")):
        raise _fail((*path, "id"), "must be a UUID")


def statement_object(
    value: Any, path: Path, *, sub: bool = False, v2: bool = False
) -> dict[str, Any]:
    """The object, validated; a sub-statement comes back normalised like a statement."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, path)
    elif kind in ("Agent", "Group"):
        agent(value, path)
    elif kind == "StatementRef":
        statement_ref(value, path)
    elif kind == "SubStatement" and not sub:
        return _substatement(value, path, v2=v2)
    elif kind == "SubStatement":
        raise _fail((*path, "objectType"), "a sub-statement cannot contain a sub-statement")
    else:
        raise _fail((*path, "objectType"), f"{kind!r} is not an xAPI object type")
    return value


def result(value: Any, path: Path) -> None:
    _object(value, path, {"score", "success", "completion", "response", "duration", "extensions"})
    if "score" in value:
        score = _object(value["score"], (*path, "score"), {"scaled", "raw", "min", "max"})
        for key, number in score.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise _fail((*path, "score", key), "must be a number")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            raise _fail((*path, "score", "scaled"), "must be between -1 and 1")
        low, high = score.get("min"), score.get("max")
        if low is not None and high is not None and low >= high:
            raise _fail((*path, "score", "min"), "must be less than max")
        raw = score.get("raw")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            raise _fail((*path, "score", "raw"), "must be between min and max")
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            raise _fail((*path, key), "must be true or false")
    if "response" in value:
        _string(value["response"], (*path, "response"))
    if "duration" in value and not is_duration(value["duration"]):
        raise _fail((*path, "duration"), "must be an ISO 8601 duration")
    if "extensions" in value:
        extensions(value["extensions"], (*path, "extensions"))


def _relevant_types(value: dict[str, Any], path: Path) -> None:
    if "relevantTypes" in value:
        types = value["relevantTypes"]
        if not isinstance(types, list) or not types:
            raise _fail((*path, "relevantTypes"), "must be a non-empty array of IRIs")
        for i, item in enumerate(types):
            _iri(item, (*path, "relevantTypes", i))


def _context_agents(value: Any, path: Path, *, group: bool) -> None:
    """xAPI 2.0 ``contextAgents`` / ``contextGroups`` (IEEE 9274.1.1 §4.2.2.5): arrays of
    ``{"objectType": "contextAgent", "agent": Agent}`` / ``{"objectType":
    "contextGroup", "group": Group}``, each with optional non-empty ``relevantTypes``."""
    kind, member = ("contextGroup", "group") if group else ("contextAgent", "agent")
    if not isinstance(value, list):
        raise _fail(path, f"must be an array of {kind} objects")
    for i, item in enumerate(value):
        _object(item, (*path, i), {"objectType", member, "relevantTypes"})
        if item.get("objectType") != kind:
            raise _fail((*path, i, "objectType"), f"must be {kind!r}")
        if member not in item:
            raise _fail((*path, i, member), "is required")
        target = item[member]
        if group and (not isinstance(target, dict) or target.get("objectType") != "Group"):
            raise _fail((*path, i, member, "objectType"), "must be 'Group'")
        agent(target, (*path, i, member), group_allowed=group)
        _relevant_types(item, (*path, i))


def context(
    value: Any, path: Path, *, object_is_activity: bool, v2: bool = False
) -> dict[str, Any]:
    allowed = {
        "registration", "instructor", "team", "contextActivities", "revision", "platform",
        "language", "statement", "extensions",
    }  # fmt: skip
    _object(value, path, allowed | CONTEXT_KEYS_2_0 if v2 else allowed)
    for key in CONTEXT_KEYS_2_0 & set(value):
        _context_agents(value[key], (*path, key), group=key == "contextGroups")
    if "registration" in value and not is_uuid(value["registration"]):
        raise _fail((*path, "registration"), "must be a UUID")
    if "instructor" in value:
        agent(value["instructor"], (*path, "instructor"))
    if "team" in value:
        if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
            raise _fail((*path, "team", "objectType"), "the team must be a Group")
        agent(value["team"], (*path, "team"))
    for key in ("revision", "platform"):
        if key in value:
            if not object_is_activity:
                raise _fail((*path, key), "is allowed only when the object is an activity")
            _string(value[key], (*path, key))
    if "language" in value and not is_language_tag(value["language"]):
        raise _fail((*path, "language"), "must be an RFC 5646 language tag")
    if "statement" in value:
        ref = value["statement"]
        if not isinstance(ref, dict) or ref.get("objectType") != "StatementRef":
            raise _fail((*path, "statement", "objectType"), "must be 'StatementRef'")
        statement_ref(ref, (*path, "statement"))
    if "extensions" in value:
        extensions(value["extensions"], (*path, "extensions"))
    normalised = dict(value)
    if "contextActivities" in value:
        groups = _object(
            value["contextActivities"], (*path, "contextActivities"), set(CONTEXT_ACTIVITY_KEYS)
        )
        arrays: dict[str, list[Any]] = {}
        for key, items in groups.items():
            items = items if isinstance(items, list) else [items]
            for i, item in enumerate(items):
                activity(item, (*path, "contextActivities", key, i))
            arrays[key] = items
        normalised["contextActivities"] = arrays
    return normalised


def attachments(value: Any, path: Path) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be an array")
    allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    for i, item in enumerate(value):
        _object(item, (*path, i), allowed)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in item:
                raise _fail((*path, i, key), "is required")
        _iri(item["usageType"], (*path, i, "usageType"))
        language_map(item["display"], (*path, i, "display"))
        if "description" in item:
            language_map(item["description"], (*path, i, "description"))
        _string(item["contentType"], (*path, i, "contentType"))
        if isinstance(item["length"], bool) or not isinstance(item["length"], int):
            raise _fail((*path, i, "length"), "must be an integer")
        _string(item["sha2"], (*path, i, "sha2"))
        if "fileUrl" in item and not is_irl(item["fileUrl"]):
            raise _fail((*path, i, "fileUrl"), "must be an IRL")


def _timestamp(value: Any, path: Path, *, v2: bool) -> None:
    """ISO 8601 (1.0.3, Data §4.5); RFC 3339, so with a time zone (2.0: the "should*" of
    1.0.3 became "shall")."""
    if parse_timestamp(value) is None:
        raise _fail(path, "must be an ISO 8601 timestamp")
    if v2 and not is_rfc3339(value):
        raise _fail(path, "must be an RFC 3339 timestamp with a time zone (xAPI 2.0)")


def _core(value: dict[str, Any], path: Path, *, sub: bool, v2: bool) -> dict[str, Any]:
    for key in ("actor", "verb", "object"):
        if key not in value:
            raise _fail((*path, key), "is required")
    agent(value["actor"], (*path, "actor"))
    verb(value["verb"], (*path, "verb"))
    normalised = dict(value)
    normalised["object"] = statement_object(value["object"], (*path, "object"), sub=sub, v2=v2)
    if "result" in value:
        result(value["result"], (*path, "result"))
    if "context" in value:
        is_activity = value["object"].get("objectType", "Activity") == "Activity"
        normalised["context"] = context(
            value["context"], (*path, "context"), object_is_activity=is_activity, v2=v2
        )
    if "timestamp" in value:
        _timestamp(value["timestamp"], (*path, "timestamp"), v2=v2)
    if "attachments" in value:
        attachments(value["attachments"], (*path, "attachments"))
    if value["verb"]["id"] == VOIDED and value["object"].get("objectType") != "StatementRef":
        raise _fail(
            (*path, "object", "objectType"), "a voiding statement's object is a StatementRef"
        )
    return normalised


def _substatement(value: dict[str, Any], path: Path, *, v2: bool) -> dict[str, Any]:
    _object(value, path, SUBSTATEMENT_KEYS)
    return _core(value, path, sub=True, v2=v2)


def authority(value: Any, path: Path) -> None:
    """A client-supplied authority (Data §2.4.9), validated although the LRS replaces
    it: an Agent, or an anonymous Group of exactly two Agents (OAuth 3-legged)."""
    agent(value, path)
    if value.get("objectType") == "Group":
        if any(k in value for k in IFI_PROPERTIES):
            raise _fail((*path, "objectType"), "an authority group must be anonymous")
        if len(value.get("member", [])) != 2:
            raise _fail((*path, "member"), "an authority group has exactly two members")


def statement_validate(value: Any, path: Path = (), *, v2: bool = False) -> dict[str, Any]:
    """The statement, validated and normalised; raises ``XapiInvalid``. ``v2``: by the
    rules of xAPI 2.0 (the request's X-Experience-API-Version), else 1.0.3."""
    _object(value, path, STATEMENT_KEYS)
    if "id" in value and not is_uuid(value["id"]):
        raise _fail((*path, "id"), "must be a UUID")
    if "version" in value and not (
        isinstance(value["version"], str) and _VERSIONS[v2].match(value["version"])
    ):
        raise _fail(
            (*path, "version"),
            "must be a 1.0.x or 2.0.x version" if v2 else "must be a 1.0.x version",
        )
    if "stored" in value:
        _timestamp(value["stored"], (*path, "stored"), v2=v2)
    if "authority" in value:
        authority(value["authority"], (*path, "authority"))
    return _core(value, path, sub=False, v2=v2)
