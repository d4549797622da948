"""Backfill, incremental sync and reconciliation of one resource.

- ``backfill``: pages through legacy in number order from the stored cursor, translates
  each record (ACL), upserts it and stores the cursor after each page: safe to rerun
  (upserts by stable id), resumable after an interruption, with progress callbacks and
  a closing summary.
- ``sync_changes``: asks legacy for records changed after the watermark and moves the
  watermark to the newest change applied.
- ``reconcile``: every legacy record against the stored copy; lists those missing or
  different (field by field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from legacy_adapter.client import LegacyClient
from legacy_adapter.models import SyncState
from legacy_adapter.sync.sinks import RESOURCES, Sink

Progress = Callable[[int, int], None]


@dataclass
class Summary:
    resource: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Records the owning domain refused (an e-mail of another member, an overlapping
    #: booking), each with its reason in ``problems``; the run goes on past them.
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    resumed_from: int = 0
    watermark: str = ""

    def add(self, counts: dict) -> None:
        self.created += counts.get("created", 0)
        self.updated += counts.get("updated", 0)
        self.unchanged += counts.get("unchanged", 0)
        self.skipped += counts.get("skipped", 0)
        self.problems += counts.get("problems", [])

    def translated(self, items: list[dict], resource: str) -> list[dict]:
        """The page in the new API's shape; a record the ACL cannot translate (a value
        the legacy contract does not allow, written by an older legacy release) is
        skipped and reported instead of stopping the run."""
        _, number_field, translate = RESOURCES[resource]
        records = []
        for item in items:
            try:
                records.append(translate(item))
            except UNTRANSLATABLE as exc:
                self.skipped += 1
                self.problems.append(_untranslatable(resource, item.get(number_field), exc))
        return records


#: What a translator raises on a record outside the legacy contract.
UNTRANSLATABLE = (KeyError, ValueError, TypeError)


def _untranslatable(resource: str, number, exc: Exception) -> str:
    return f"{resource} #{number}: cannot be translated ({type(exc).__name__}: {exc})"


def backfill(
    *, resource: str, client: LegacyClient, sink: Sink, page_size: int = 100,
    restart: bool = False, progress: Progress | None = None,
    stop_after_pages: int | None = None,
) -> Summary:  # fmt: skip
    """``stop_after_pages`` stops early, as an interruption would (tests, dry runs)."""
    path, number_field, _ = RESOURCES[resource]
    state = _state(resource)
    if restart:
        state.backfill_cursor, state.backfill_done = 0, False
    summary = Summary(resource, resumed_from=state.backfill_cursor)
    todo, pages = None, 0
    while True:
        page = _page(client, path, after=state.backfill_cursor, limit=page_size)
        todo = page["total"] if todo is None else todo
        if not page["items"]:
            break
        with transaction.atomic(using="default"):
            summary.add(sink.upsert(summary.translated(page["items"], resource)))
            summary.read += len(page["items"])
            state.backfill_cursor = page["items"][-1][number_field]
            state.save()
        pages += 1
        if progress:
            progress(summary.read, todo)
        if stop_after_pages is not None and pages >= stop_after_pages:
            return summary
    state.backfill_done = True
    state.last_summary = asdict(summary)
    state.save()
    return summary


def sync_changes(
    *, resource: str, client: LegacyClient, sink: Sink, page_size: int = 200
) -> Summary:
    path = RESOURCES[resource][0]
    state = _state(resource)
    summary = Summary(resource, watermark=state.watermark)
    offset = 0
    query = {"changed_after": _local(state.watermark)} if state.watermark else {}
    newest = state.watermark
    while True:
        page = _page(client, path, offset=offset, limit=page_size, **query)
        if not page["items"]:
            break
        summary.add(sink.upsert(summary.translated(page["items"], resource)))
        summary.read += len(page["items"])
        newest = max([newest, *(_sortable(r["changed"]) for r in page["items"])])
        offset += len(page["items"])
    state.watermark = summary.watermark = newest
    state.last_summary = asdict(summary)
    state.save()
    return summary


@dataclass
class Difference:
    id: str
    legacy_number: int
    fields: dict[str, tuple] = field(default_factory=dict)  # name -> (legacy, new)
    missing: bool = False
    #: Why the legacy record could not be translated (then ``id`` is empty).
    untranslatable: str = ""


def reconcile(
    *, resource: str, client: LegacyClient, sink: Sink, page_size: int = 200
) -> list[Difference]:
    """Legacy records whose copy is missing or differs, with the differing fields."""
    path, number_field, translate = RESOURCES[resource]
    differences, after = [], 0
    while True:
        page = _page(client, path, after=after, limit=page_size)
        if not page["items"]:
            # Kept for the "ready to delete" gate (gateway.legacy_elimination).
            SyncState.objects.update_or_create(
                resource=resource,
                defaults={"last_reconcile": {
                    "at": timezone.now().isoformat(), "differences": len(differences),
                }},
            )  # fmt: skip
            return differences
        expected = {}
        for item in page["items"]:
            number = item[number_field]
            try:
                record = translate(item)
            except UNTRANSLATABLE as exc:
                problem = _untranslatable(resource, number, exc)
                differences.append(Difference("", number, untranslatable=problem))
                continue
            expected[str(record["id"])] = (number, record)
        stored = sink.get_many(list(expected))
        for record_id, (number, record) in expected.items():
            copy = stored.get(record_id)
            if copy is None:
                differences.append(Difference(record_id, number, missing=True))
                continue
            fields = {k: (v, copy.get(k)) for k, v in record.items() if copy.get(k) != v}
            if fields:
                differences.append(Difference(record_id, number, fields))
        after = page["items"][-1][number_field]


def _page(client: LegacyClient, path: str, **query) -> dict:
    response = client.request("GET", path, query=query)
    if response.status != 200:
        raise RuntimeError(f"legacy answered {response.status} for {path}: {response.body[:200]!r}")
    return response.json()


def _state(resource: str) -> SyncState:
    return SyncState.objects.get_or_create(resource=resource)[0]


def _sortable(local: str) -> str:
    """``28.11.2026 10:15`` as ``2026-11-28 10:15``: legacy stamps compare this way."""
    day, clock = local.split(" ")
    d, m, y = day.split(".")
    return f"{y}-{m}-{d} {clock}"


def _local(sortable: str) -> str:
    day, clock = sortable.split(" ")
    y, m, d = day.split("-")
    return f"{d}.{m}.{y} {clock}"
