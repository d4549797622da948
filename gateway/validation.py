"""A route's configuration checked when it is saved, not when a request hits it.

A translator name the ACL does not know used to surface as an unhandled ``KeyError``
(500) on the first request; a new target naming a parameter the pattern lacks, or a
domain this deployment cannot reach, failed the same way. Every path that changes a
route (admin form, admin actions, ``gateway_routes``, ``/ops/gateway/``) goes through
``gateway.services.route_change``, which refuses what this module finds wrong.

Roles named in a cohort rule are resolved against identity's role catalogue — the roles
the platform actually grants, admins' own included — when the rule is set. The gateway
never imports a domain (``.importlinter``), so the catalogue is reached the way the
legacy adapter reaches the domains' sync sinks: by configuration,
``GATEWAY_ROLE_CATALOGUE`` naming a callable (identity's ``role_names`` selector where
identity runs in the same process). A ``SERVICE=gateway`` process has no catalogue and
refuses to set cohort roles, saying where they can be set, rather than accept a name
it cannot check.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

from legacy_adapter.acl.responses import TRANSLATORS

#: A change touching any of these has the whole configuration re-checked.
CHECKED_FIELDS = frozenset(
    ("legacy_target", "new_target", "translator", "cohort_user_ids", "cohort_roles")
) | {"cohort_header"}
_PARAM = re.compile(r"\{(\w+)\}")
_DOMAIN = re.compile(r"^/api/v1/(?P<domain>[a-z]+)/")
_HEADER_RULE = re.compile(r"^[A-Za-z0-9-]+\s*:\s*\S.*$")
#: A sample value per parameter, to resolve a target against this process's URLs.
_SAMPLE_ID = "1e9ac0de-0002-8000-8000-000000000001"


def _params(path: str) -> set[str]:
    return set(_PARAM.findall(path))


def _new_target_problems(pattern: str, new_target: str) -> list[str]:
    problems = []
    extra = _params(new_target) - _params(pattern)
    if extra:
        problems.append(f"The new target uses {sorted(extra)}, which {pattern} does not have.")
    match = _DOMAIN.match(new_target)
    if not match:
        return [*problems, "The new target must be a domain URL, /api/v1/<domain>/..."]
    domain = match["domain"]
    if settings.GATEWAY_NEW_BASE_URLS:
        if domain not in settings.GATEWAY_NEW_BASE_URLS:
            problems.append(f"No base URL for the {domain!r} domain in GATEWAY_NEW_BASE_URLS.")
        return problems
    if not any(part.api_prefix == domain for part in settings.PARTS):
        return [*problems, f"The {domain!r} domain is not served by this deployment."]
    sample = _PARAM.sub(_SAMPLE_ID, new_target).split("?", 1)[0]
    try:
        resolve(sample)
    except Resolver404:
        problems.append(f"No endpoint answers {new_target} (checked as {sample}).")
    return problems


def known_roles() -> frozenset[str] | None:
    """The role names identity grants, read now; None where this process cannot read
    them (no ``GATEWAY_ROLE_CATALOGUE``)."""
    path = settings.GATEWAY_ROLE_CATALOGUE
    return frozenset(import_string(path)()) if path else None


def _unknown_role_problems(roles: list[str]) -> list[str]:
    known = known_roles()
    if known is None:
        return [
            "Cohort roles cannot be checked in this process (it does not serve identity, "
            "whose role catalogue they name): set them from the admin or with "
            "manage.py gateway_routes in a process that serves identity."
        ]
    unknown = sorted(set(roles) - known)
    if not unknown:
        return []
    return [
        f"cohort_roles: identity knows no role {', '.join(map(repr, unknown))}; "
        f"its roles are {', '.join(sorted(known))}."
    ]


def _cohort_problems(values: dict[str, Any], *, resolve_roles: bool) -> list[str]:
    problems = []
    ids = values.get("cohort_user_ids") or []
    if not isinstance(ids, list):
        problems.append("cohort_user_ids is a list of member ids.")
    else:
        for value in ids:
            try:
                UUID(str(value))
            except ValueError:
                problems.append(f"cohort_user_ids: {value!r} is not a member id (UUID).")
    roles = values.get("cohort_roles") or []
    if not isinstance(roles, list) or not all(
        isinstance(role, str) and re.fullmatch(r"[a-z][a-z_-]*", role) for role in roles
    ):
        problems.append("cohort_roles is a list of role names (lower case, e.g. mentor).")
    elif roles and resolve_roles:
        problems.extend(_unknown_role_problems(roles))
    header = values.get("cohort_header") or ""
    if header and not _HEADER_RULE.match(header):
        problems.append(f"cohort_header {header!r} must read 'Header-Name: value'.")
    return problems


def route_config_problems(
    pattern: str, values: dict[str, Any], *, resolve_roles: bool = True
) -> list[str]:
    """Every problem with a route of ``pattern`` configured with ``values``; the cohort
    roles are looked up in identity's catalogue when ``resolve_roles``."""
    problems = []
    translator = values.get("translator") or ""
    if translator and translator not in TRANSLATORS:
        problems.append(f"Unknown translator {translator!r}; known: {', '.join(TRANSLATORS)}.")
    legacy_target = values.get("legacy_target") or ""
    if not legacy_target.startswith("/"):
        problems.append("The legacy target is a path on the legacy system, starting with /.")
    extra = _params(legacy_target) - _params(pattern)
    if extra:
        problems.append(f"The legacy target uses {sorted(extra)}, which {pattern} does not have.")
    new_target = values.get("new_target") or ""
    if new_target:
        problems.extend(_new_target_problems(pattern, new_target))
    elif translator:
        problems.append("A translator needs a new target to translate the answer of.")
    problems.extend(_cohort_problems(values, resolve_roles=resolve_roles))
    return problems
