"""Per-resource translations: users, spaces, bookings, proposals, votes, ratings, and
learning activity (legacy course records as xAPI statements).

``*_from_legacy`` gives the new API's shape (as published in the OpenAPI schema);
``*_to_legacy`` gives the legacy contract's shape. Fields one side has and the other
lacks are filled with the new side's defaults and listed in ``docs/gateway.md``.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

from legacy_adapter.acl.values import (
    format_local,
    number_for,
    parse_local,
    score_to_stars,
    stars_to_score,
    uuid_for,
)

_SPACE_STATUS = {"ACTIVE": "listed", "HIDDEN": "suspended", "DRAFT": "draft"}
#: Governance's lifecycle, coarsely: legacy knows no discussion, and "closed" stands for
#: governance's "decided" or "rejected" (legacy records no outcome; governance counts).
_PROPOSAL_STATUS = {"OPEN": "voting", "CLOSED": "closed", "DRAFT": "draft"}
_DECIDED = ("decided", "rejected", "withdrawn")


def _invert(mapping: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in mapping.items()}


def user_from_legacy(u: dict) -> dict:
    return {
        "id": str(uuid_for("user", u["user_no"])),
        "email": u["mail"],
        "display_name": u["full_name"],
        "bio": u.get("bio", ""),
        "date_joined": parse_local(u["joined"]).isoformat(),
    }


def user_to_legacy(u: dict) -> dict:
    return {
        "user_no": number_for("user", u["id"]),
        "login": u.get("username") or u["email"].split("@")[0],
        "full_name": u.get("display_name", ""),
        "mail": u["email"],
        "bio": u.get("bio", ""),
        "city": u.get("location", ""),
        "joined": format_local(u["date_joined"]) if u.get("date_joined") else None,
    }


def space_from_legacy(s: dict) -> dict:
    return {
        "id": str(uuid_for("space", s["space_no"])),
        "owner_id": str(uuid_for("user", s["owner_no"])),
        "name": s["title"],
        "description": s["descr"],
        "is_online": s["online"] == "Y",
        "location": s["address"],
        "capacity": s["seats"],
        "accessibility": [],
        "status": _SPACE_STATUS.get(s["state"], "suspended"),
    }


def space_to_legacy(s: dict) -> dict:
    return {
        "space_no": number_for("space", s["id"]),
        "owner_no": number_for("user", s["owner_id"]),
        "title": s["name"],
        "descr": s["description"],
        "online": "Y" if s["is_online"] else "N",
        "address": s["location"],
        "seats": s["capacity"],
        "state": _invert(_SPACE_STATUS).get(s["status"], "HIDDEN"),
    }


def booking_from_legacy(b: dict) -> dict:
    return {
        "id": str(uuid_for("booking", b["booking_no"])),
        "space_id": str(uuid_for("space", b["space_no"])),
        "member_id": str(uuid_for("user", b["user_no"])),
        "starts_at": parse_local(b["starts"]).isoformat(),
        "ends_at": parse_local(b["ends"]).isoformat(),
    }


def booking_to_legacy(b: dict) -> dict:
    return {
        "booking_no": number_for("booking", b["id"]),
        "space_no": number_for("space", b["space_id"]),
        "user_no": number_for("user", b["member_id"]),
        "starts": format_local(b["starts_at"]),
        "ends": format_local(b["ends_at"]),
    }


def proposal_from_legacy(p: dict) -> dict:
    return {
        "id": str(uuid_for("proposal", p["proposal_no"])),
        "author_id": str(uuid_for("user", p["author_no"])),
        "title": p["subject"],
        "summary": p["text"],
        "status": _PROPOSAL_STATUS.get(p["status"], "closed"),
        # A draft has no deadline yet on the new side; legacy's is only planned.
        "voting_deadline": None if p["status"] == "DRAFT" else parse_local(p["closes"]).isoformat(),
    }


def proposal_to_legacy(p: dict) -> dict:
    return {
        "proposal_no": number_for("proposal", p["id"]),
        "author_no": number_for("user", p["author_id"]),
        "subject": p["title"],
        "text": p["summary"],
        "status": _invert(_PROPOSAL_STATUS).get(
            "closed" if p["status"] in _DECIDED else p["status"], "DRAFT"
        ),
        "closes": format_local(p["voting_deadline"]) if p.get("voting_deadline") else None,
    }


def vote_from_legacy(v: dict) -> dict:
    return {
        "id": str(uuid_for("vote", v["vote_no"])),
        "proposal_id": str(uuid_for("proposal", v["proposal_no"])),
        "voter_id": str(uuid_for("user", v["user_no"])),
        "choice": v["choice"].lower(),
    }


def rating_from_legacy(r: dict) -> dict:
    return {
        "id": str(uuid_for("rating", r["rating_no"])),
        "rater_id": str(uuid_for("user", r["from_user"])),
        "ratee_id": str(uuid_for("user", r["to_user"])),
        "score": stars_to_score(r["stars"]),
        "comment": r.get("remark", ""),
        "given_at": parse_local(r["changed"]).isoformat(),
    }


def rating_to_legacy(r: dict) -> dict:
    return {
        "rating_no": number_for("rating", r["id"]),
        "from_user": number_for("user", r["rater_id"]),
        "to_user": number_for("user", r["ratee_id"]),
        "stars": score_to_stars(r["score"]),
        "remark": r.get("comment", ""),
    }


#: Legacy course states as ADL verbs, and what each says about the result.
_ACTIVITY_VERBS = {
    "STARTED": ("attempted", {}),
    "COMPLETED": ("completed", {"completion": True}),
    "PASSED": ("passed", {"success": True, "completion": True}),
    "FAILED": ("failed", {"success": False, "completion": True}),
}
_COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"


def _member_agent(member_id: str) -> dict:
    """A platform member as an xAPI agent: the account the learning domain names members
    by (``<LRS_AUTHORITY_HOMEPAGE>/members``, docs/xapi.md). Built from the same setting
    the domain reads rather than imported from it: the adapter may not import a domain,
    and both sides agree because they read one configuration value."""
    homepage = f"{settings.LRS_AUTHORITY_HOMEPAGE}/members"
    return {"objectType": "Agent", "account": {"homePage": homepage, "name": member_id}}


def activity_from_legacy(a: dict) -> dict:
    """A legacy course record as the xAPI statement the LRS stores (without the
    LRS-assigned ``stored``, ``authority`` and ``version``).

    The statement id is the record's stable id; the course is an activity IRI under
    ``LEGACY_COURSE_IRI_BASE`` named by its title (language ``und``: legacy does not say
    which language its titles are in); ``score_pct`` becomes ``result.score`` (``scaled``
    = pct/100, with ``raw``/``min``/``max`` so the LRS's own checks refuse a percentage
    outside 0-100). Values legacy should not hold (a score of 150) are passed through
    as they are: the LRS refuses them and the sync reports the record, rather than the
    translation guessing. No reverse translation: nothing sends statements to legacy."""
    verb, outcome = _ACTIVITY_VERBS[a["state"]]
    statement = {
        "id": str(uuid_for("activity", a["act_no"])),
        "actor": _member_agent(str(uuid_for("user", a["user_no"]))),
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": settings.LEGACY_COURSE_IRI_BASE + quote(str(a["course_code"]), safe=""),
            "definition": {"name": {"und": a["course_title"]}, "type": _COURSE_TYPE},
        },
        "timestamp": parse_local(a["when"]).isoformat(),
    }
    result = dict(outcome)
    if a.get("score_pct") is not None:
        pct = a["score_pct"]
        result["score"] = {"scaled": pct / 100, "raw": pct, "min": 0, "max": 100}
    if result:
        statement["result"] = result
    return statement
