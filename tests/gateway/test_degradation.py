"""Degradation flags switched through the gateway change the domains' answers: search
unranked, reputation unweighted, passport re-aggregation deferred then caught up — in
this process and in a separate pre-forked ``SERVICE=marketplace`` server reading them
from Redis; with Redis gone the answers are the normal ones, never a 500."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from uuid import uuid4

import pytest
from django.db import connections, transaction
from prometheus_client import REGISTRY

from common import degradation
from domains.marketplace.models import Space
from domains.passport.models import PassportSnapshot
from domains.passport.tasks import reaggregate_pending
from domains.passport.tests.conftest import COMPLETED, COURSE, EXAM, PASSED, actor, record, web_api
from domains.reputation.tests.conftest import client_with
from domains.reputation.tests.test_anti_fraud import give
from gateway.models import GatewayState
from gateway.modes import RouteMode
from gateway.services import gateway_flags_change
from gateway.table import TableCache
from tests.bus.conftest import redis_server
from tests.eventstore.fixtures import ledger_app
from tests.gateway.test_ops import bearer
from tests.gateway.test_routing import make_route
from tests.processes import (
    REPO,
    clean_environment,
    database_urls_for,
    free_port,
    scrape,
    wait_until,
)

__all__ = ["ledger_app", "redis_server", "web_api"]

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

SEARCH = "/api/v1/marketplace/spaces"
RANKED = ["Zeta room", "Alpha room", "Mid room"]
PLAIN = ["Alpha room", "Mid room", "Zeta room"]


@pytest.fixture(autouse=True)
def flags_store(redis_server, settings):
    """Every flag off, in this worker's own Redis: the machine's Redis is shared with the
    other xdist worker, whose gateway republishes its own (all off) flags there at each
    table check, and whose marketplace tests must not see this module's flags."""
    if redis_server.process.poll() is not None:
        redis_server.start()
    redis_server.client().flushall()
    settings.REDIS_URL = redis_server.url
    degradation.forget()
    yield redis_server
    degradation.forget()


@pytest.fixture
def spaces():
    for name, average in (("Alpha room", 2.0), ("Zeta room", 5.0), ("Mid room", None)):
        Space.objects.create(
            owner_id=uuid4(), name=name, description="A room.", location="1 Main St",
            capacity=4, status="listed", rating_average=average,
        )  # fmt: skip


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def degraded_count(flag: str) -> float:
    return sample("degraded_responses_total", flag=flag)


def switch(**flags: bool) -> None:
    gateway_flags_change(actor="ops:test", reason="load test", degraded=flags)


def names(response) -> list[str]:
    return [space["name"] for space in response.json()["results"]]


def test_search_ranking_switched_through_the_rest_api(client, spaces):
    normal = client.get(SEARCH)
    assert names(normal) == RANKED and "X-Degraded" not in normal
    before = degraded_count("search_ranking")
    flipped = client.post(
        "/ops/gateway/flags", {"degraded": {"search_ranking": True}, "reason": "black friday"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    assert flipped.status_code == 200
    plain = client.get(SEARCH)
    assert plain.status_code == 200 and plain["X-Degraded"] == "search_ranking"
    assert names(plain) == PLAIN
    assert degraded_count("search_ranking") == before + 1
    client.post(
        "/ops/gateway/flags", {"degraded": {"search_ranking": False}, "reason": "calm again"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    restored = client.get(SEARCH)
    assert names(restored) == RANKED and "X-Degraded" not in restored


def test_the_marker_survives_the_gateways_translation_to_the_legacy_shape(
    client, gateway_env, spaces
):
    make_route(mode=RouteMode.NEW)
    gateway_env.control(fail_status=500)  # legacy is not asked
    switch(search_ranking=True)
    degraded = client.get("/api/spaces")
    assert degraded.status_code == 200 and degraded["X-Degraded"] == "search_ranking"
    assert [item["title"] for item in degraded.json()["items"]] == PLAIN
    switch(search_ranking=False)
    normal = client.get("/api/spaces")
    assert "X-Degraded" not in normal
    assert [item["title"] for item in normal.json()["items"]] == RANKED


def test_reputation_reads_fall_back_to_the_unweighted_figure(ledger_app):
    ana, bruno, honest = uuid4(), uuid4(), uuid4()
    give(ana, bruno)
    give(honest, bruno, context="other")
    give(bruno, ana)  # a reciprocal pair: anti-fraud discounts ana's rating of bruno to 0
    reader = client_with("rating.read")
    url = f"/api/v1/reputation/members/{bruno}/reputation"
    assert reader.get(url).json()["score"] == 2.0
    switch(reputation_weighting=True)
    unweighted = reader.get(url)
    assert unweighted["X-Degraded"] == "reputation_weighting"
    assert unweighted.json()["score"] == 4.0 and unweighted.json()["ratings_discounted"] == 0
    explained = reader.get(f"{url}/explanation")
    assert explained["X-Degraded"] == "reputation_weighting"
    rows = explained.json()["results"]
    assert {(r["weight"], r["points"], len(r["discounts"])) for r in rows} == {(1.0, 2.0, 0)}
    switch(reputation_weighting=False)
    weighted = reader.get(url)
    assert weighted.json()["score"] == 2.0 and "X-Degraded" not in weighted
    rows = reader.get(f"{url}/explanation").json()["results"]
    assert sorted(r["points"] for r in rows) == [0.0, 2.0]


def test_passport_reaggregation_is_deferred_then_caught_up(web_api):
    ifi, holder = actor("ana@example.com")
    reader = client_with("credential.issue")
    url = f"/api/v1/passport/members/{holder}/passport"
    record(ifi, COMPLETED, COURSE)
    assert PassportSnapshot.objects.get(member_id=holder).competencies[0]["level"] == 2

    switch(passport_reaggregation=True)
    deferred = sample("passport_reaggregations_total", kind="deferred")
    record(ifi, PASSED, EXAM, score=0.9)  # would raise the level to 3
    assert sample("passport_reaggregations_total", kind="deferred") == deferred + 1
    snapshot = PassportSnapshot.objects.get(member_id=holder)
    assert snapshot.pending_since is not None and snapshot.competencies[0]["level"] == 2
    served = reader.get(url)
    assert served["X-Degraded"] == "passport_reaggregation"
    assert served.json()["competencies"][0]["level"] == 2  # the last snapshot, not re-aggregated
    assert reaggregate_pending.apply().get() == 0  # no catch-up while the flag is on
    assert PassportSnapshot.objects.get(member_id=holder).pending_since is not None

    switch(passport_reaggregation=False)
    live = reader.get(url)
    assert live.json()["competencies"][0]["level"] == 3 and "X-Degraded" not in live
    caught_up = sample("passport_reaggregations_total", kind="catch_up")
    assert reaggregate_pending.apply().get() == 1
    assert sample("passport_reaggregations_total", kind="catch_up") == caught_up + 1
    snapshot = PassportSnapshot.objects.get(member_id=holder)
    assert snapshot.pending_since is None and snapshot.competencies[0]["level"] == 3
    switch(passport_reaggregation=True)  # the snapshot a degraded read serves is caught up
    assert reader.get(url).json()["competencies"][0]["level"] == 3


def test_a_members_next_event_catches_up_and_the_task_does_the_rest(web_api):
    (ana_ifi, ana), (bruno_ifi, bruno) = actor("ana@example.com"), actor("bruno@example.com")
    switch(passport_reaggregation=True)
    record(ana_ifi, COMPLETED, COURSE)
    record(bruno_ifi, COMPLETED, COURSE)
    pending = PassportSnapshot.objects.filter(pending_since__isnull=False)
    assert set(pending.values_list("member_id", flat=True)) == {ana, bruno}
    switch(passport_reaggregation=False)
    record(ana_ifi, PASSED, EXAM, score=0.9)
    assert set(pending.values_list("member_id", flat=True)) == {bruno}
    assert PassportSnapshot.objects.get(member_id=ana).competencies[0]["level"] == 3
    assert reaggregate_pending.apply().get() == 1
    assert PassportSnapshot.objects.get(member_id=bruno).competencies[0]["level"] == 2


@contextmanager
def snapshot_locked(member_id):
    """Another worker holds ``member_id``'s snapshot row (FOR UPDATE) until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(using="passport"):
                PassportSnapshot.objects.select_for_update().get(member_id=member_id)
                locked.set()
                release.wait(10)
                PassportSnapshot.objects.filter(member_id=member_id).update(pending_since=None)
        finally:
            connections.close_all()

    worker = threading.Thread(target=hold)
    worker.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        worker.join(10)


def test_the_catch_up_skips_a_member_another_worker_holds(web_api):
    (ana_ifi, ana), (bruno_ifi, bruno) = actor("ana@example.com"), actor("bruno@example.com")
    switch(passport_reaggregation=True)
    record(ana_ifi, COMPLETED, COURSE)
    record(bruno_ifi, COMPLETED, COURSE)
    switch(passport_reaggregation=False)
    with snapshot_locked(ana):
        assert reaggregate_pending.apply().get() == 1  # bruno only; never waits for ana
        assert PassportSnapshot.objects.get(member_id=bruno).pending_since is None


def test_a_deferral_waits_for_a_running_reaggregation_and_is_kept(web_api):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    switch(passport_reaggregation=True)
    # The holder's snapshot is being re-aggregated (locked; it will clear pending_since)
    # while an event arrives: the pending mark must survive that re-aggregation.
    with snapshot_locked(holder):
        arrival = threading.Thread(
            target=lambda: (record(ifi, PASSED, EXAM, score=0.9), connections.close_all())
        )
        arrival.start()
        arrival.join(0.5)
        assert arrival.is_alive()  # the deferral waits for the row
    arrival.join(10)
    snapshot = PassportSnapshot.objects.get(member_id=holder)
    assert snapshot.pending_since is not None and snapshot.competencies[0]["level"] == 2


def test_an_unreachable_store_never_fails_a_request(client, settings, spaces):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    publish_errors = sample("degradation_store_errors_total", operation="publish")
    flipped = client.post(
        "/ops/gateway/flags", {"degraded": {"search_ranking": True}, "reason": "incident"},
        content_type="application/json", **bearer("admin"),
    )  # fmt: skip
    assert flipped.status_code == 200  # stored and audited; only the publish failed
    assert sample("degradation_store_errors_total", operation="publish") == publish_errors + 1
    read_errors = sample("degradation_store_errors_total", operation="read")
    answer = client.get(SEARCH)
    assert answer.status_code == 200 and names(answer) == RANKED and "X-Degraded" not in answer
    assert sample("degradation_store_errors_total", operation="read") == read_errors + 1
    assert GatewayState.objects.get(pk=1).degraded["search_ranking"] is True


def test_embedded_mode_reads_the_flags_in_process(client, settings, spaces):
    settings.REDIS_URL = ""
    switch(search_ranking=True)
    assert names(client.get(SEARCH)) == PLAIN
    switch(search_ranking=False)
    # A flag stored before this process published anything (a restart) is honoured too.
    GatewayState.objects.filter(pk=1).update(degraded={"search_ranking": True})
    degradation.forget()
    assert client.get(SEARCH)["X-Degraded"] == "search_ranking"


@contextmanager
def marketplace_server(redis_url: str, workers: int):
    """A pre-forked ``SERVICE=marketplace`` server reading the flags from ``redis_url``."""
    port = free_port()
    env = clean_environment(
        **database_urls_for("marketplace"), SERVICE="marketplace", ALLOWED_HOSTS="127.0.0.1",
        RATELIMIT_ENABLE="false", REDIS_URL=redis_url, DEGRADATION_TTL_SECONDS="1",
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: fetch(base, "/health"), 20, "the server")
        yield base
    finally:
        server.terminate()
        server.wait(10)


def fetch(base: str, path: str) -> tuple[int, str | None, bytes]:
    """Status, ``X-Degraded`` header and body of a GET on the child server (``/metrics``
    with the scrape token)."""
    request = scrape(base + path) if path == "/metrics" else base + path
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
        return answer.status, answer.headers.get("X-Degraded"), answer.read()


def search(base: str) -> tuple[int, str | None, list[str]]:
    status, flag, body = fetch(base, SEARCH)
    return status, flag, [space["name"] for space in json.loads(body)["results"]]


def test_another_process_follows_the_flag_within_its_ttl(spaces, settings):
    with marketplace_server(settings.REDIS_URL, workers=2) as base:
        assert search(base) == (200, None, RANKED)
        switch(search_ranking=True)
        started = time.monotonic()
        # Four answers in a row, whichever of the two workers (each its own copy) serves them.
        wait_until(
            lambda: all(search(base) == (200, "search_ranking", PLAIN) for _ in range(4)),
            5, "the degraded answer",
        )  # fmt: skip
        # The TTL (1 s), plus the polling requests themselves on a busy machine.
        assert time.monotonic() - started < 1 + 3
        switch(search_ranking=False)
        wait_until(lambda: all(search(base) == (200, None, RANKED) for _ in range(4)), 5, "normal")


def metric(base: str, line_start: str) -> float:
    text = fetch(base, "/metrics")[2].decode()
    found = [line for line in text.splitlines() if line.startswith(line_start)]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


def test_redis_down_means_normal_answers_and_a_restart_heals(spaces, redis_server):
    with marketplace_server(redis_server.url, workers=1) as base:
        switch(search_ranking=True)
        wait_until(lambda: search(base)[1] == "search_ranking", 5, "the degraded answer")
        redis_server.stop()
        # Normal answers within the TTL, and every answer meanwhile is a 200.
        answers = []
        wait_until(lambda: answers.append(search(base)) or answers[-1][1] is None, 5, "normal")
        assert {status for status, _, _ in answers} == {200}
        assert answers[-1] == (200, None, RANKED)
        errors = 'degradation_store_errors_total{operation="read"}'
        assert metric(base, errors) >= 1

        redis_server.start()
        redis_server.client().flushall()  # came back empty
        assert search(base)[1] is None
        TableCache(ttl=0).get()  # a gateway process re-checks its table: it republishes
        wait_until(lambda: search(base)[1] == "search_ranking", 5, "healed")
