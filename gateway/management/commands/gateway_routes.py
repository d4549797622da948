"""``manage.py gateway_routes``: list, show and change routes from a shell.

    gateway_routes list
    gateway_routes show "GET /api/spaces"
    gateway_routes set "GET /api/spaces" --action canary --percent 5 --reason "first users"
    gateway_routes set "GET /api/spaces" --mode legacy --reason "mismatches on dates"
    gateway_routes set "GET /api/spaces" --translator spaces.list --reason "..."
    gateway_routes set "GET /api/spaces" --cohort-roles mentor,moderator --reason "..."
    gateway_routes add "GET /api/spaces/{id}" --legacy-target /api/spaces/{id} --reason "..."
    gateway_routes delete "GET /api/spaces/{id}" --reason "not ours any more"
    gateway_routes kill-all on --reason "incident 42"
    gateway_routes flag search_ranking on --reason "load spike"
    gateway_routes flags                      # kill-all, degradation flags and their audit

Every change needs ``--reason`` and goes through ``gateway.services`` like the admin's
and ``/ops/gateway/``'s: validated, and committed with its audit entry (the actor,
``--actor``, default ``cli:<login>``) in one transaction.
"""

from __future__ import annotations

import getpass
import json

from django.core.management.base import BaseCommand, CommandError

from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import GatewayState, Route
from gateway.selectors import RouteNotFound, route_get
from gateway.services import (
    ACTIONS,
    DEGRADATION_FLAGS,
    ChangeRefused,
    gateway_flags_change,
    route_action,
    route_change,
    route_create,
    route_delete,
    route_flags,
)

#: Route configuration the command edits (``--legacy-target``, ``--new-target``, ...).
_TARGETS = ("legacy_target", "new_target", "translator", "cohort_header")


class Command(BaseCommand):
    help = "List, show and change the strangler gateway's routes (audited)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("list", help="Every route and its mode.")
        show = sub.add_parser("show", help="One route's flags and audit trail.")
        show.add_argument("route", help="Route id or 'METHOD /path/pattern'.")
        change = sub.add_parser("set", help="Change a route's mode or run an action.")
        change.add_argument("route")
        group = change.add_mutually_exclusive_group()
        group.add_argument("--mode", choices=["legacy", "shadow", "canary", "new", "retired"])
        group.add_argument("--action", choices=ACTIONS)
        change.add_argument("--percent", type=float, help="Canary percentage (any, 0-100].")
        for name in _TARGETS:
            change.add_argument(f"--{name.replace('_', '-')}", dest=name)
        change.add_argument("--cohort-roles", dest="cohort_roles", help="Comma-separated.")
        change.add_argument("--reason", required=True)
        change.add_argument("--actor")
        add = sub.add_parser("add", help="Create a route (legacy mode).")
        add.add_argument("route", help="'METHOD /path/pattern'.")
        for name in _TARGETS:
            add.add_argument(f"--{name.replace('_', '-')}", dest=name)
        add.add_argument("--reason", required=True)
        add.add_argument("--actor")
        delete = sub.add_parser("delete", help="Remove a route (its audit trail stays).")
        delete.add_argument("route")
        delete.add_argument("--reason", required=True)
        delete.add_argument("--actor")
        kill = sub.add_parser("kill-all", help="Return every route to legacy (on) or not (off).")
        kill.add_argument("state", choices=["on", "off"])
        kill.add_argument("--reason", required=True)
        kill.add_argument("--actor")
        flag = sub.add_parser("flag", help="Switch a degradation flag on or off.")
        flag.add_argument("name", choices=DEGRADATION_FLAGS)
        flag.add_argument("state", choices=["on", "off"])
        flag.add_argument("--reason", required=True)
        flag.add_argument("--actor")
        sub.add_parser("flags", help="Kill-all, the degradation flags and their audit trail.")

    def handle(self, *args, verb: str, **options) -> None:
        actor = options.get("actor") or f"cli:{getpass.getuser()}"
        try:
            if verb == "list":
                self._list()
            elif verb == "show":
                self._show(route_get(ref=options["route"]))
            elif verb == "set":
                self._set(options, actor)
            elif verb == "add":
                self._add(options, actor)
            elif verb == "delete":
                route = route_get(ref=options["route"])
                route_delete(route_id=route.id, actor=actor, reason=options["reason"])
                self.stdout.write(f"{route.key}: deleted")
            elif verb == "flag":
                on = options["state"] == "on"
                gateway_flags_change(
                    degraded={options["name"]: on}, actor=actor, reason=options["reason"]
                )
                self.stdout.write(f"{options['name']} {'degraded' if on else 'running'}")
            elif verb == "flags":
                self._flags()
            else:
                gateway_flags_change(
                    kill_all=options["state"] == "on", actor=actor, reason=options["reason"]
                )
                self.stdout.write(f"kill-all {options['state']}")
        except (RouteNotFound, ChangeRefused) as exc:
            raise CommandError(str(exc)) from exc

    def _list(self) -> None:
        for route in Route.objects.all():
            extra = f" {float(route.canary_percent):g}%" if route.mode == "canary" else ""
            killed = " KILLED" if route.killed else ""
            self.stdout.write(f"{route.id}  {route.key:<40} {route.mode}{extra}{killed}")

    def _show(self, route) -> None:
        self.stdout.write(f"{route.key}\nlegacy: {route.legacy_target}\nnew: {route.new_target}")
        self.stdout.write(json.dumps(route_flags(route), indent=2))
        for change in audit_trail(subject_id=route.id):
            self.stdout.write(
                f"{change['at']}  {change['actor']}  {change['action']}: {change['reason']}"
            )

    def _flags(self) -> None:
        state = GatewayState.objects.filter(pk=1).first() or GatewayState()
        self.stdout.write(f"kill-all: {'on' if state.kill_all else 'off'}")
        for name in DEGRADATION_FLAGS:
            on = bool(state.degraded.get(name))
            self.stdout.write(f"{name}: {'degraded' if on else 'running'}")
        for change in audit_trail(subject_id=GLOBAL_SUBJECT):
            self.stdout.write(
                f"{change['at']}  {change['actor']}  {change['after']}: {change['reason']}"
            )

    def _add(self, options: dict, actor: str) -> None:
        method, _, pattern = options["route"].strip().partition(" ")
        values = {name: options[name] for name in _TARGETS if options.get(name) is not None}
        route = route_create(
            values={"method": method.upper(), "path_pattern": pattern.strip(), **values},
            actor=actor, reason=options["reason"],
        )  # fmt: skip
        self.stdout.write(f"{route.id}  {route.key}: {route.mode}")

    def _set(self, options: dict, actor: str) -> None:
        route = route_get(ref=options["route"])
        targets = {name: options[name] for name in _TARGETS if options.get(name) is not None}
        if options.get("cohort_roles") is not None:
            roles = options["cohort_roles"].split(",")
            targets["cohort_roles"] = [role.strip() for role in roles if role.strip()]
        if not (options["action"] or options["mode"] or targets):
            raise CommandError("Say what to change: --action, --mode or a target option.")
        if targets:
            route = route_change(
                route_id=route.id, changes=targets, actor=actor, reason=options["reason"]
            )
        if options["action"]:
            route = route_action(
                route_id=route.id, action=options["action"], percent=options["percent"],
                actor=actor, reason=options["reason"],
            )  # fmt: skip
        elif options["mode"]:
            changes = {"mode": options["mode"]}
            if options["percent"] is not None:
                changes["canary_percent"] = options["percent"]
            route = route_change(
                route_id=route.id, changes=changes, actor=actor, reason=options["reason"]
            )
        self.stdout.write(f"{route.key}: {route.mode}")
