"""Traffic counts: every gateway process flushes its own, and the first flushes of a new
hour from two processes at once add up instead of failing a request."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.utils import timezone

from gateway import traffic
from gateway.models import Route, RouteTraffic

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_two_processes_creating_one_slot_at_once_add_up(monkeypatch):
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip
    monkeypatch.setattr(traffic, "FLUSH_SECONDS", 3600.0)  # flushed below, not by count()
    traffic.flush()
    traffic.count(route.id, "legacy")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    failures = []

    def flush_as_this_process():
        try:
            traffic.flush()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic(using="default"):
        # Another process creates the slot's row and has not committed yet: this
        # process's update finds no row, and its insert waits on the other's.
        RouteTraffic.objects.create(route=route, hour=hour, target="legacy", count=5)
        flushing = threading.Thread(target=flush_as_this_process)
        flushing.start()
        time.sleep(0.5)
    flushing.join(10)
    assert failures == []
    assert RouteTraffic.objects.get(route=route, hour=hour, target="legacy").count == 6


def test_a_flush_the_database_refuses_drops_its_batch_not_the_request(monkeypatch, caplog):
    """The counts table is locked past the statement timeout while a request's count
    triggers the flush: the count returns (the request is served), the failure is
    logged, and the next flush works again."""
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip
    monkeypatch.setattr(traffic, "FLUSH_SECONDS", 0.0)  # every count flushes
    traffic.flush()
    locked, release = threading.Event(), threading.Event()

    def hold_the_table():
        try:
            with transaction.atomic(using="default"), connections["default"].cursor() as cur:
                cur.execute("LOCK TABLE gateway_routetraffic IN ACCESS EXCLUSIVE MODE")
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_table)
    holder.start()
    assert locked.wait(10)
    with connections["default"].cursor() as cur:
        cur.execute("SET statement_timeout = 300")
    try:
        traffic.count(route.id, "legacy")  # would raise QueryCanceled out of the request
    finally:
        with connections["default"].cursor() as cur:
            cur.execute("RESET statement_timeout")
        release.set()
        holder.join(10)
    assert "gateway traffic counts not saved" in caplog.text
    assert not RouteTraffic.objects.filter(route=route).exists()  # that batch is gone
    traffic.count(route.id, "new")
    assert RouteTraffic.objects.get(route=route, target="new").count == 1
