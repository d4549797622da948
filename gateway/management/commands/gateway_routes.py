"""``manage.py gateway_routes``: list, show and change routes from a shell.

    gateway_routes list
    gateway_routes show "GET /api/spaces"
    gateway_routes set "GET /api/spaces" --action canary --percent 5 --reason "first users"
    gateway_routes set "GET /api/spaces" --mode legacy --reason "mismatches on dates"
    gateway_routes kill-all on --reason "incident 42"

Every change needs ``--reason`` and is audited with the actor (``--actor``, default
``cli:<login>``).
"""

from __future__ import annotations

import getpass
import json

from django.core.management.base import BaseCommand, CommandError

from gateway.audit import audit_trail
from gateway.models import Route
from gateway.selectors import RouteNotFound, route_get
from gateway.services import (
    ACTIONS,
    ChangeRefused,
    gateway_flags_change,
    route_action,
    route_change,
    route_flags,
)


class Command(BaseCommand):
    help = "List, show and change the strangler gateway's routes (audited)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("list", help="Every route and its mode.")
        show = sub.add_parser("show", help="One route's flags and audit trail.")
        show.add_argument("route", help="Route id or 'METHOD /path/pattern'.")
        change = sub.add_parser("set", help="Change a route's mode or run an action.")
        change.add_argument("route")
        group = change.add_mutually_exclusive_group(required=True)
        group.add_argument("--mode", choices=["legacy", "shadow", "canary", "new", "retired"])
        group.add_argument("--action", choices=ACTIONS)
        change.add_argument("--percent", type=float, help="Canary percentage.")
        change.add_argument("--reason", required=True)
        change.add_argument("--actor")
        kill = sub.add_parser("kill-all", help="Return every route to legacy (on) or not (off).")
        kill.add_argument("state", choices=["on", "off"])
        kill.add_argument("--reason", required=True)
        kill.add_argument("--actor")

    def handle(self, *args, verb: str, **options) -> None:
        actor = options.get("actor") or f"cli:{getpass.getuser()}"
        try:
            if verb == "list":
                self._list()
            elif verb == "show":
                self._show(route_get(ref=options["route"]))
            elif verb == "set":
                self._set(options, actor)
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

    def _set(self, options: dict, actor: str) -> None:
        route = route_get(ref=options["route"])
        if options["action"]:
            route = route_action(
                route_id=route.id, action=options["action"], percent=options["percent"],
                actor=actor, reason=options["reason"],
            )  # fmt: skip
        else:
            changes = {"mode": options["mode"]}
            if options["percent"] is not None:
                changes["canary_percent"] = options["percent"]
            route = route_change(
                route_id=route.id, changes=changes, actor=actor, reason=options["reason"]
            )
        self.stdout.write(f"{route.key}: {route.mode}")
