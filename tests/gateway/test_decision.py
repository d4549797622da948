"""The gateway's decision on its own: no database, no request, no clock."""

import pytest

from gateway.decision import (
    Decision,
    GlobalFlags,
    RequestFacts,
    RouteFlags,
    Target,
    canary_bucket,
    decide,
)
from gateway.modes import RouteMode

GET = RequestFacts(method="GET", user_id="u-1")
POST = RequestFacts(method="POST", user_id="u-1")
FLAGS = GlobalFlags()


def route(mode: RouteMode, **kwargs) -> RouteFlags:
    return RouteFlags(key="GET /api/spaces", mode=mode, **kwargs)


def users(n: int) -> list[str]:
    return [f"user-{i}" for i in range(n)]


def test_unknown_routes_go_to_legacy_and_say_so():
    assert decide(None, FLAGS, GET) == Decision(Target.LEGACY, reason="unknown-route")


@pytest.mark.parametrize(
    ("mode", "target"),
    [
        (RouteMode.LEGACY, Target.LEGACY),
        (RouteMode.NEW, Target.NEW),
        (RouteMode.RETIRED, Target.GONE),
    ],
)
def test_plain_modes(mode, target):
    assert decide(route(mode), FLAGS, GET).target is target


def test_shadow_serves_legacy_and_shadows_reads_only():
    assert decide(route(RouteMode.SHADOW), FLAGS, GET) == Decision(Target.LEGACY, shadow=True)
    assert decide(route(RouteMode.SHADOW), FLAGS, POST).shadow is False  # never duplicate writes


def test_shadow_comparison_can_be_degraded_off():
    decision = decide(route(RouteMode.SHADOW), GlobalFlags(shadow_off=True), GET)
    assert decision.target is Target.LEGACY and not decision.shadow


def test_kill_switch_per_route_and_for_all():
    assert decide(route(RouteMode.NEW, killed=True), FLAGS, GET).reason == "kill-switch"
    killed = decide(route(RouteMode.CANARY, canary_percent=100), GlobalFlags(kill_all=True), GET)
    assert killed == Decision(Target.LEGACY, reason="kill-switch")


def test_canary_share_is_close_to_the_percentage():
    on_new = sum(
        decide(route(RouteMode.CANARY, canary_percent=10), FLAGS, RequestFacts("GET", u)).target
        is Target.NEW
        for u in users(5000)
    )
    assert 400 < on_new < 600


def test_canary_is_sticky_and_raising_the_percentage_never_moves_a_user_back():
    previous: set[str] = set()
    for percent in (1, 5, 10, 25, 50, 100):
        flags = route(RouteMode.CANARY, canary_percent=percent)
        on_new = {
            u
            for u in users(2000)
            if decide(flags, FLAGS, RequestFacts("GET", u)).target is Target.NEW
        }
        again = {
            u
            for u in users(2000)
            if decide(flags, FLAGS, RequestFacts("GET", u)).target is Target.NEW
        }
        assert on_new == again
        assert previous <= on_new
        previous = on_new
    assert len(previous) == 2000


def test_buckets_differ_between_routes():
    a = [canary_bucket("GET /api/spaces", u) for u in users(50)]
    b = [canary_bucket("GET /api/users/{id}", u) for u in users(50)]
    assert a != b


def test_cohorts_by_user_role_and_header():
    flags = route(
        RouteMode.CANARY, cohort_user_ids=frozenset({"u-1"}), cohort_roles=frozenset({"moderator"}),
        cohort_header="X-Canary: yes",
    )  # fmt: skip
    assert decide(flags, FLAGS, GET).target is Target.NEW
    assert decide(flags, FLAGS, RequestFacts("GET", "u-2")).target is Target.LEGACY
    mod = RequestFacts("GET", "u-2", roles=frozenset({"moderator"}))
    assert decide(flags, FLAGS, mod).target is Target.NEW
    tester = RequestFacts("GET", None, headers={"x-canary": "yes"})
    assert decide(flags, FLAGS, tester).target is Target.NEW


def test_anonymous_requests_stay_on_legacy_in_a_percentage_canary():
    anonymous = RequestFacts("GET", None)
    assert (
        decide(route(RouteMode.CANARY, canary_percent=99), FLAGS, anonymous).target is Target.LEGACY
    )


def test_an_unhealthy_new_side_falls_back_to_legacy():
    unhealthy = GlobalFlags(new_unhealthy=frozenset({"GET /api/spaces"}))
    assert decide(route(RouteMode.NEW), unhealthy, GET) == Decision(
        Target.LEGACY, reason="new-unhealthy", fallback=True
    )
    canary = route(RouteMode.CANARY, canary_percent=100)
    assert decide(canary, unhealthy, GET).fallback is True
