"""The loop every domain's sync sink runs (``legacy_adapter.sync`` calls the sinks).

A sink gets a page of records already in the new API's shape, keyed by stable ids,
and the stored copies of those ids. ``upsert_each`` leaves equal records alone and
hands the others, one by one, to the sink's ``write``; a record the domain refuses
(``write`` raises ``Skip`` with the reason) is counted and reported instead of failing
the page, so one bad record never stops a backfill. The result is the summary the
adapter prints: created, updated, unchanged, skipped, and the problems in words.
Domain-free: what "write" means, and what a domain refuses, is each sink's own.
"""

from __future__ import annotations

from collections.abc import Callable


class Skip(Exception):
    """The domain will not take this record; the message says which and why."""


def upsert_each(
    records: list[dict],
    *,
    stored: dict[str, dict],
    write: Callable[[dict, dict | None], bool | None],
) -> dict:
    """``write(record, stored_copy_or_None)`` stores one record; it returns False when
    it found nothing to write after all (counted unchanged) and raises ``Skip``."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "problems": []}
    for record in records:
        before = stored.get(record["id"])
        if before == record:
            counts["unchanged"] += 1
            continue
        try:
            wrote = write(record, before)
        except Skip as refused:
            counts["skipped"] += 1
            counts["problems"].append(str(refused))
            continue
        if wrote is False:
            counts["unchanged"] += 1
        else:
            counts["created" if before is None else "updated"] += 1
    return counts
