"""Changing the route table and the global flags: validated, versioned, audited.

Every ops change — a route created, edited, acted on (mode, canary, kill switch) or
deleted, the global flags, a capability retired (``gateway.legacy_elimination``) —
names who made it and why, and goes through ``audited``: one ``default`` transaction
that writes the change, bumps ``GatewayState.version`` (so every process reloads its
table) and records the entry, with the values before and after, in the event store
(``gateway.audit``, which writes on the same connection). The change and its audit
entry commit together or not at all, whichever of the admin, ``gateway_routes`` or
``/ops/gateway/`` asked for it: they all call these functions. A change re-reads the
row under lock and is refused if someone else changed it since it was read.

The degradation flags are also published to the store the domains read
(``common.degradation``) once the change commits; the table's periodic re-check
publishes them again (``gateway/table.py``), so a lost publish heals by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common import degradation
from common.refusals import Invalid
from gateway.audit import GLOBAL_SUBJECT, audit_record
from gateway.models import METHODS, GatewayState, Route
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


def _validate(route: Route, changes: dict[str, Any], *, creating: bool = False) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ChangeRefused(f"Not a route flag: {', '.join(sorted(unknown))}.")
    problems = validate_route_config(route, changes, creating=creating)
    if problems:  # problem+json names the field when the change touched only one
        raise ChangeRefused(
            " ".join(problems), field=next(iter(changes)) if len(changes) == 1 else None
        )
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


def validate_route_config(
    route: Route, changes: dict[str, Any], *, creating: bool = False
) -> list[str]:
    """What is wrong with ``route`` once ``changes`` apply, resolved now, at save time:
    the translator exists, targets use only the pattern's parameters, the new target is a
    domain URL this deployment can reach, cohort rules are well formed and name roles
    identity knows. Empty when fine."""
    from gateway.validation import CHECKED_FIELDS, route_config_problems

    if not creating and not set(changes) & CHECKED_FIELDS:  # a mode or flag change
        return []
    values = {name: changes.get(name, getattr(route, name)) for name in EDITABLE_FIELDS}
    # Roles are resolved when the rule is set: one identity removed since then does not
    # block an unrelated change of the route (it simply matches nobody).
    resolve_roles = creating or "cohort_roles" in changes
    return route_config_problems(route.path_pattern, values, resolve_roles=resolve_roles)


def _retired_capability_of(route: Route) -> str | None:
    from legacy_adapter.capabilities import CAPABILITIES
    from legacy_adapter.models import RetiredCapability

    names = [c.name for c in CAPABILITIES.values() if route.key in c.routes]
    found = RetiredCapability.objects.filter(name__in=names).values_list("name", flat=True)
    return next(iter(found), None)


def _reason_of(reason: str) -> str:
    if not reason or not reason.strip():
        raise ChangeRefused("Say why: every change needs a reason.")
    return reason.strip()


@contextmanager
def audited(
    *, subject_id: UUID, actor: str, reason: str, action: str, before: dict
) -> Iterator[dict[str, Any]]:
    """One ops change and its audit entry in one ``default`` transaction.

    The block writes the change and fills the yielded dict with the values after it;
    then the table's version moves and the entry is recorded. Whatever raises, in the
    block or after it, rolls back everything the change wrote (a change nested in a
    larger one, a capability's retirement, commits or rolls back with it).
    """
    after: dict[str, Any] = {}
    with transaction.atomic(using="default"):
        yield after
        _bump_version()
        audit_record(
            subject_id=subject_id, actor=actor, reason=reason, action=action,
            before=before, after=after, at=timezone.now().isoformat(),
        )  # fmt: skip


def route_change(
    *, route_id: UUID, changes: dict[str, Any], actor: str, reason: str, action: str = "set"
) -> Route:
    reason = _reason_of(reason)
    route = Route.objects.get(pk=route_id)
    _validate(route, changes)
    before = route_flags(route)
    for name, value in changes.items():
        setattr(route, name, Decimal(str(value)) if name == "canary_percent" else value)
    with audited(
        subject_id=route.id, actor=actor, reason=reason, action=action, before=before
    ) as after:
        current = Route.objects.select_for_update().get(pk=route_id)
        if route_flags(current) != before:
            raise ChangedMeanwhile("The route changed while this change was made; try again.")
        route.save(update_fields=[*changes, "updated_at"])
        after.update(route_flags(route))
    return route


def route_create(*, values: dict[str, Any], actor: str, reason: str) -> Route:
    """A new route (in ``legacy`` mode unless ``values`` say otherwise), validated and
    audited like a change; the table version moves so every process sees it."""
    reason = _reason_of(reason)
    unknown = set(values) - {"method", "path_pattern", *EDITABLE_FIELDS}
    if unknown:
        raise ChangeRefused(f"Not a route field: {', '.join(sorted(unknown))}.")
    route = Route(**values)
    if route.method not in METHODS:
        raise ChangeRefused(f"Unknown method {route.method!r}; one of {', '.join(METHODS)}.")
    if not (route.path_pattern or "").startswith("/"):
        raise ChangeRefused("The path pattern is a path of the legacy API, starting with /.")
    _validate(route, {k: v for k, v in values.items() if k in EDITABLE_FIELDS}, creating=True)
    with audited(
        subject_id=route.id, actor=actor, reason=reason, action="create", before={}
    ) as after:
        if Route.objects.filter(method=route.method, path_pattern=route.path_pattern).exists():
            raise ChangeRefused(f"A route {route.key} exists already.")
        route.save(force_insert=True)
        after.update(route_flags(route))
    return route


def route_delete(*, route_id: UUID, actor: str, reason: str) -> None:
    """The route leaves the table (its path is no longer the gateway's); its audit trail
    stays, ending with this deletion."""
    reason = _reason_of(reason)
    route = Route.objects.get(pk=route_id)
    before = {"method": route.method, "path_pattern": route.path_pattern, **route_flags(route)}
    with audited(subject_id=route.id, actor=actor, reason=reason, action="delete", before=before):
        current = Route.objects.select_for_update().filter(pk=route_id).first()
        if current is None or route_flags(current) != route_flags(route):
            raise ChangedMeanwhile("The route changed while this change was made; try again.")
        current.delete()


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
    reason = _reason_of(reason)
    unknown = set(degraded or {}) - set(DEGRADATION_FLAGS)
    if unknown:
        raise ChangeRefused(f"Not a degradation flag: {', '.join(sorted(unknown))}.")
    GatewayState.objects.get_or_create(pk=1)
    state = GatewayState.objects.get(pk=1)
    before = {"kill_all": state.kill_all, "degraded": dict(state.degraded)}
    wanted = {
        "kill_all": before["kill_all"] if kill_all is None else kill_all,
        "degraded": {**before["degraded"], **(degraded or {})},
    }
    with audited(
        subject_id=GLOBAL_SUBJECT, actor=actor, reason=reason, action="flags", before=before
    ) as after:
        state = GatewayState.objects.select_for_update().get(pk=1)
        if {"kill_all": state.kill_all, "degraded": dict(state.degraded)} != before:
            raise ChangedMeanwhile("The flags changed while this change was made; try again.")
        state.kill_all, state.degraded = wanted["kill_all"], wanted["degraded"]
        state.save(update_fields=["kill_all", "degraded", "updated_at"])
        after.update(wanted)
        published = published_flags(state.degraded)
        transaction.on_commit(lambda: degradation.publish(published), using="default")
    state.refresh_from_db()
    return state


def published_flags(degraded: dict[str, bool]) -> dict[str, bool]:
    """Every degradation flag's value (unset: off), as the domains read them."""
    return {name: bool(degraded.get(name, False)) for name in DEGRADATION_FLAGS}


def _bump_version() -> None:
    GatewayState.objects.get_or_create(pk=1)
    GatewayState.objects.filter(pk=1).update(version=F("version") + 1)
