"""Backfill, incremental sync, reconciliation and the branch-by-abstraction port, against
the real reference legacy process and the real marketplace database."""

import sqlite3
from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import call_command

from domains.marketplace.models import Space
from legacy_adapter.acl.values import uuid_for
from legacy_adapter.models import SyncState
from legacy_adapter.ports.refusals import SideFailed
from legacy_adapter.ports.spaces import LegacySpaceCatalogue, NewSpaceCatalogue
from legacy_adapter.sync.runs import backfill, reconcile, sync_changes
from legacy_adapter.sync.sinks import sink_for
from legacy_adapter.wiring import legacy_client, reset_legacy_client

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def synced(legacy, settings):
    settings.LEGACY_BASE_URL = legacy.base_url
    settings.LEGACY_SYNC_SINKS = {"spaces": "tests.legacy.sinks.SpaceSink"}
    reset_legacy_client()
    yield legacy
    reset_legacy_client()


def legacy_change(legacy, sql: str, *params) -> None:
    """A change made in the legacy system itself (its own database)."""
    with sqlite3.connect(legacy.db) as db:
        db.execute(sql, params)


def run(**kwargs):
    return backfill(resource="spaces", client=legacy_client(), sink=sink_for("spaces"), **kwargs)


def stored() -> list[tuple]:
    return sorted(Space.objects.values_list("id", "name", "capacity", "is_online", "status"))


def test_backfill_twice_gives_the_same_data(synced):
    first = run()
    copy = stored()
    assert first.read == 3 and first.created == 3
    assert {row[0] for row in copy} == {uuid_for("space", n) for n in (1, 2, 3)}
    again = run(restart=True)
    assert again.created == 0 and again.unchanged == 3
    assert stored() == copy


def test_an_interrupted_backfill_resumes_where_it_stopped(synced):
    interrupted = run(page_size=1, stop_after_pages=1)
    assert interrupted.read == 1 and Space.objects.count() == 1
    assert SyncState.objects.get(resource="spaces").backfill_cursor == 1
    resumed = run(page_size=1)
    assert resumed.resumed_from == 1 and resumed.read == 2 and resumed.created == 2
    assert SyncState.objects.get(resource="spaces").backfill_done


def test_the_command_shows_progress_and_a_summary(synced):
    out = StringIO()
    call_command("legacy_sync", "backfill", "spaces", "--page-size", "2", stdout=out)
    text = out.getvalue()
    assert "3/3" in text and "read 3 (resumed after #0), created 3" in text


def test_incremental_sync_copies_changes_after_the_watermark(synced):
    client, sink = legacy_client(), sink_for("spaces")
    first = sync_changes(resource="spaces", client=client, sink=sink)
    assert first.read == 3 and first.watermark
    assert sync_changes(resource="spaces", client=client, sink=sink).read == 0
    legacy_change(
        synced, "UPDATE spaces SET seats = 20, changed = '01.12.2026 10:00' WHERE space_no = 2"
    )
    third = sync_changes(resource="spaces", client=client, sink=sink)
    assert (third.read, third.updated, third.watermark) == (1, 1, "2026-12-01 10:00")
    assert Space.objects.get(pk=uuid_for("space", 2)).capacity == 20


def test_reconciliation_lists_missing_and_different_records(synced):
    run()
    legacy_change(synced, "UPDATE spaces SET seats = 30 WHERE space_no = 1")
    Space.objects.filter(pk=uuid_for("space", 3)).delete()
    differences = {d.legacy_number: d for d in reconcile(resource="spaces", client=legacy_client(),
                                                          sink=sink_for("spaces"))}  # fmt: skip
    assert set(differences) == {1, 3}
    assert differences[1].fields == {"capacity": (30, differences[1].fields["capacity"][1])}
    assert differences[3].missing


@pytest.mark.parametrize("catalogue", [LegacySpaceCatalogue, NewSpaceCatalogue])
def test_both_space_catalogues_keep_the_same_contract(synced, catalogue):
    """The port's contract suite: the same checks against both implementations."""
    run(restart=True)
    port = catalogue()
    spaces = port.space_list()
    assert {s["id"] for s in spaces} >= {str(uuid_for("space", n)) for n in (1, 2, 3)}
    one = port.space_get(space_id=uuid_for("space", 2))
    assert one is not None and one["is_online"] is True and one["status"] == "listed"
    assert set(one) == {"id", "owner_id", "name", "description", "is_online", "location",
                        "capacity", "status"}  # fmt: skip
    assert port.space_get(space_id=uuid4()) is None


def test_a_failing_legacy_system_is_a_fault_not_a_space(calm_legacy, settings):
    """Legacy answering 500 for one space: ``SideFailed``, never its error body read
    as a space (the other legacy ports' rule)."""
    settings.LEGACY_BASE_URL = calm_legacy.base_url
    reset_legacy_client()
    calm_legacy.control(fail_status=500)
    try:
        with pytest.raises(SideFailed):
            LegacySpaceCatalogue().space_get(space_id=uuid_for("space", 2))
    finally:
        reset_legacy_client()
