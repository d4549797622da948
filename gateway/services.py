"""Changing the route table and the global flags: validated, versioned, audited.

Every change names who made it and why; it is applied in a ``default`` transaction
that also bumps ``GatewayState.version`` (so every process reloads its table) and
records it, with the flags before and after, in the event store (``gateway.audit``,
which writes on the same connection): the change and its audit entry commit together
or not at all. The transaction re-reads the row under lock and refuses the change if
someone else changed it since it was read.

The degradation flags are also published to the store the domains read
(``common.degradation``) once the change commits; the table's periodic re-check
publishes them again (``gateway/table.py``), so a lost publish heals by itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common import degradation
from common.refusals import Invalid
from gateway.audit import GLOBAL_SUBJECT, audit_record
from gateway.models import GatewayState, Route
from gateway.modes import RouteMode

FLAG_FIELDS = (
    "mode", "canary_percent", "cohort_user_ids", "cohort_roles", "cohort_header", "killed",
    "ignore_fields", "ignore_order", "max_concurrency",
)  # fmt: skip
#: Where a route goes: editable like the flags (validated, audited, versioned).
TARGET_FIELDS = ("legacy_target", "new_target", "translator")
EDITABLE_FIELDS = (*FLAG_FIELDS, *TARGET_FIELDS)
#: Degradation flags ops may switch on under stress (each with a fallback, see docs).
DEGRADATION_FLAGS = ("shadow_comparison", "reputation_weighting", "search_ranking",
                     "passport_reaggregation")  # fmt: skip


class ChangeRefused(Invalid):
    """A change the rules do not allow; the message says why."""

    field = "action"


class ChangedMeanwhile(ChangeRefused):
    """Someone else changed it since it was read: read it again and retry."""

    kind = "conflict"


def route_flags(route: Route) -> dict[str, Any]:
    """The route's flags and targets as plain JSON values (the audit's before/after)."""
    values = {name: getattr(route, name) for name in EDITABLE_FIELDS}
    values["canary_percent"] = float(values["canary_percent"])
    return values


def _validate(route: Route, changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ChangeRefused(f"Not a route flag: {', '.join(sorted(unknown))}.")
    problems = validate_route_config(route, changes)
    if problems:
        raise ChangeRefused(" ".join(problems))
    mode = changes.get("mode", route.mode)
    if "mode" in changes and mode != RouteMode.RETIRED and _retired_capability_of(route):
        raise ChangeRefused(
            f"{route.key} belongs to the retired capability {_retired_capability_of(route)}: "
            "its legacy side is gone."
        )
    if mode not in RouteMode.__members__.values():
        raise ChangeRefused(f"Unknown mode {mode!r}.")
    if mode in (RouteMode.SHADOW, RouteMode.CANARY, RouteMode.NEW) and not route.new_target:
        raise ChangeRefused("The route has no new handler (new_target) to send traffic to.")
    if mode == RouteMode.RETIRED and route.mode not in (RouteMode.NEW, RouteMode.RETIRED):
        raise ChangeRefused("Only a route served by new code can be retired (promote it first).")
    percent = Decimal(str(changes.get("canary_percent", route.canary_percent)))
    if not 0 <= percent <= 100:
        raise ChangeRefused("The canary percentage is between 0 and 100.")


def validate_route_config(route: Route, changes: dict[str, Any]) -> list[str]:
    """What is wrong with ``route`` once ``changes`` apply, resolved now, at save time:
    the translator exists, targets use only the pattern's parameters, the new target is a
    domain URL this deployment can reach, cohort rules are well formed. Empty when fine."""
    from gateway.validation import CHECKED_FIELDS, route_config_problems

    if not set(changes) & CHECKED_FIELDS:  # a mode or flag change: targets stay as they were
        return []
    values = {name: changes.get(name, getattr(route, name)) for name in EDITABLE_FIELDS}
    return route_config_problems(route.path_pattern, values)


def _retired_capability_of(route: Route) -> str | None:
    from legacy_adapter.capabilities import CAPABILITIES
    from legacy_adapter.models import RetiredCapability

    names = [c.name for c in CAPABILITIES.values() if route.key in c.routes]
    found = RetiredCapability.objects.filter(name__in=names).values_list("name", flat=True)
    return next(iter(found), None)


def route_change(
    *, route_id: UUID, changes: dict[str, Any], actor: str, reason: str, action: str = "set"
) -> Route:
    if not reason or not reason.strip():
        raise ChangeRefused("Say why: every change needs a reason.")
    route = Route.objects.get(pk=route_id)
    _validate(route, changes)
    before = route_flags(route)
    for name, value in changes.items():
        setattr(route, name, Decimal(str(value)) if name == "canary_percent" else value)
    with transaction.atomic(using="default"):
        current = Route.objects.select_for_update().get(pk=route_id)
        if route_flags(current) != before:
            raise ChangedMeanwhile("The route changed while this change was made; try again.")
        route.save(update_fields=[*changes, "updated_at"])
        _bump_version()
        audit_record(
            subject_id=route.id, actor=actor, reason=reason.strip(), action=action,
            before=before, after=route_flags(route), at=timezone.now().isoformat(),
        )  # fmt: skip
    return route


def route_create(*, values: dict[str, Any], actor: str, reason: str) -> Route:
    """A new route (in ``legacy`` mode unless ``values`` say otherwise), validated and
    audited like a change; the table version moves so every process sees it."""
    if not reason or not reason.strip():
        raise ChangeRefused("Say why: every change needs a reason.")
    route = Route(**values)
    _validate(route, {k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    audit_record(
        subject_id=route.id, actor=actor, reason=reason.strip(), action="create",
        before={}, after=route_flags(route), at=timezone.now().isoformat(),
    )  # fmt: skip
    with transaction.atomic(using="default"):
        route.save(force_insert=True)
        _bump_version()
    return route


def _action_changes(route: Route, action: str, percent: float | None) -> dict[str, Any]:
    if action == "shadow":
        return {"mode": RouteMode.SHADOW.value, "canary_percent": 0}
    if action == "canary":
        if percent is None or not 0 < percent <= 100:
            raise ChangeRefused("A canary needs a percentage above 0 and at most 100.")
        return {"mode": RouteMode.CANARY.value, "canary_percent": percent}
    if action == "promote":
        return {"mode": RouteMode.NEW.value, "killed": False}
    if action == "roll-back":
        return {"mode": RouteMode.LEGACY.value, "canary_percent": 0}
    if action == "retire":
        return {"mode": RouteMode.RETIRED.value}
    if action == "kill":
        return {"killed": True}
    if action == "unkill":
        return {"killed": False}
    raise ChangeRefused(f"Unknown action {action!r}.")


ACTIONS = ("shadow", "canary", "promote", "roll-back", "retire", "kill", "unkill")


def route_action(
    *, route_id: UUID, action: str, actor: str, reason: str, percent: float | None = None
) -> Route:
    """One of ``ACTIONS`` (the admin's, the command's and the REST API's buttons)."""
    route = Route.objects.get(pk=route_id)
    return route_change(
        route_id=route_id, changes=_action_changes(route, action, percent), actor=actor,
        reason=reason, action=action if action != "canary" else f"canary {percent:g}%",
    )  # fmt: skip


def gateway_flags_change(
    *,
    actor: str,
    reason: str,
    kill_all: bool | None = None,
    degraded: dict[str, bool] | None = None,
) -> GatewayState:
    """The kill switch for all routes and the degradation flags."""
    if not reason or not reason.strip():
        raise ChangeRefused("Say why: every change needs a reason.")
    unknown = set(degraded or {}) - set(DEGRADATION_FLAGS)
    if unknown:
        raise ChangeRefused(f"Not a degradation flag: {', '.join(sorted(unknown))}.")
    GatewayState.objects.get_or_create(pk=1)
    state = GatewayState.objects.get(pk=1)
    before = {"kill_all": state.kill_all, "degraded": dict(state.degraded)}
    after = {
        "kill_all": before["kill_all"] if kill_all is None else kill_all,
        "degraded": {**before["degraded"], **(degraded or {})},
    }
    with transaction.atomic(using="default"):
        state = GatewayState.objects.select_for_update().get(pk=1)
        if {"kill_all": state.kill_all, "degraded": dict(state.degraded)} != before:
            raise ChangedMeanwhile("The flags changed while this change was made; try again.")
        state.kill_all, state.degraded = after["kill_all"], after["degraded"]
        state.version = F("version") + 1
        state.save()
        state.refresh_from_db()
        audit_record(
            subject_id=GLOBAL_SUBJECT, actor=actor, reason=reason.strip(), action="flags",
            before=before, after=after, at=timezone.now().isoformat(),
        )  # fmt: skip
        published = published_flags(state.degraded)
        transaction.on_commit(lambda: degradation.publish(published), using="default")
    return state


def published_flags(degraded: dict[str, bool]) -> dict[str, bool]:
    """Every degradation flag's value (unset: off), as the domains read them."""
    return {name: bool(degraded.get(name, False)) for name in DEGRADATION_FLAGS}


def _bump_version() -> None:
    GatewayState.objects.get_or_create(pk=1)
    GatewayState.objects.filter(pk=1).update(version=F("version") + 1)
