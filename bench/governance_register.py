"""Decision register: append rate and proof generation time as the log grows to 100,000.

Appends synthetic vote entries (about 200 bytes of canonical JSON, like real ones)
through the register's own ``Appender`` (leaf and node hashes, the root of every size,
the batch's last tree head signed with Ed25519, rows inserted), in transactions of 500
as ``RegisterProjection`` does: one ``append_batch`` (one INSERT statement for the
entries and nodes) each. The proofs timed below include signing, on request, the heads
a batch stored unsigned.
Baselines, same run: the same entry rows inserted into plain tables of the same shape,
with no hashing, signing or node rows, in the same transactions of 500 (interleaved with
the register's, batch by batch, so that all three meet the same load), (a) as one
multi-row INSERT per transaction, the statement shape the register uses, and (b) one
INSERT per row, the baseline of the earlier figures. The ratio is register over
baseline. At each checkpoint size it times inclusion and consistency proofs for random
entries/sizes, and reports how many stored nodes a proof reads: that count, and the
time, grow with log2(n), not n.

Run: ``.venv/bin/python bench/governance_register.py [--entries 100000]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops ``benchpg_governance``, or
the database named in ``BENCH_DATABASE``, so two runs can share a server).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = os.environ.get("BENCH_DATABASE", "benchpg_governance")
BATCH = 500


def _setup() -> None:
    recreate_databases(DATABASE)
    service_django("governance", DATABASE)
    from django.core.management import call_command

    call_command("migrate", database="governance", verbosity=0)


def _leaf(i: int):
    from domains.governance.domain.entries import canonical
    from domains.governance.register import Leaf

    proposal = uuid4()
    document = {
        "type": "vote", "proposal_id": str(proposal), "proposal_version": i + 4,
        "member_id": str(uuid4()), "choice": "yes", "cast_at": "2026-11-28T10:00:00.000000Z",
    }  # fmt: skip
    return Leaf("vote", proposal, canonical(document), 1_795_000_000_000 + i)


def _append(leaves, first_index: int, baselines: _Baselines) -> float:
    """Append ``leaves`` in transactions of ``BATCH``, each after the same rows went into
    the baselines' tables; the register's seconds."""
    from django.db import transaction

    from domains.governance.register import Appender

    appender, seconds = Appender(), 0.0
    for start in range(0, len(leaves), BATCH):
        batch = leaves[start : start + BATCH]
        baselines.insert(batch, first_index + start)
        started = time.perf_counter()
        with transaction.atomic(using="governance"):
            appender.append_batch(batch)
        seconds += time.perf_counter() - started
    return seconds


class _Baselines:
    """The same rows, no Merkle work: plain tables of the entries' shape, written in
    transactions of ``BATCH`` interleaved with the register's, so that on a shared
    machine both meet the same load: "batched", one multi-row INSERT per transaction
    (the register's statement shape), and "per_row", one INSERT per row."""

    COLUMNS = "index, kind, proposal_id, content, leaf_hash, root_hash, timestamp_ms, signature"

    def __init__(self) -> None:
        from django.db import connections

        self.seconds = {"batched": 0.0, "per_row": 0.0}
        with connections["governance"].cursor() as cursor:
            for kind in self.seconds:
                cursor.execute(
                    f"CREATE TABLE bench_plain_{kind} (LIKE governance_registerentry INCLUDING ALL)"
                )

    def insert(self, leaves, first_index: int) -> None:
        from django.db import connections, transaction

        rows = [
            [first_index + i, leaf.kind, leaf.proposal_id, leaf.content.decode(), "0" * 64,
             "0" * 64, leaf.timestamp_ms, "0" * 128]
            for i, leaf in enumerate(leaves)
        ]  # fmt: skip
        for kind in self.seconds:
            started = time.perf_counter()
            with (
                transaction.atomic(using="governance"),
                connections["governance"].cursor() as cursor,
            ):
                if kind == "batched":
                    cursor.execute(
                        f"INSERT INTO bench_plain_batched ({self.COLUMNS}) SELECT * FROM unnest("
                        "%s::bigint[], %s::varchar(20)[], %s::uuid[], %s::text[],"
                        " %s::varchar(64)[], %s::varchar(64)[], %s::bigint[], %s::varchar(128)[])",
                        [list(column) for column in zip(*rows, strict=True)],
                    )
                else:
                    for row in rows:
                        cursor.execute(
                            f"INSERT INTO bench_plain_per_row ({self.COLUMNS}) "
                            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                            row,
                        )
            self.seconds[kind] += time.perf_counter() - started


def _proofs(size: int, samples: int) -> dict:
    from domains.governance.domain import merkle
    from domains.governance.register import consistency_proof, inclusion_proof

    rng = random.Random(size)  # noqa: S311 (sampling, not security)
    timings = {"inclusion": [], "consistency": []}
    nodes = {"inclusion": [], "consistency": []}
    for _ in range(samples):
        index = rng.randrange(size)
        started = time.perf_counter()
        proof = inclusion_proof(index=index, tree_size=size)
        timings["inclusion"].append(time.perf_counter() - started)
        nodes["inclusion"].append(
            len(merkle.nodes_needed(lambda look, i=index: merkle.inclusion_path(i, size, look)))
        )
        if len(proof["audit_path"]) > math.ceil(math.log2(size)):
            raise RuntimeError(f"an audit path longer than log2({size})")
        first = rng.randrange(1, size + 1)
        started = time.perf_counter()
        consistency_proof(first=first, second=size)
        timings["consistency"].append(time.perf_counter() - started)
        nodes["consistency"].append(
            len(merkle.nodes_needed(lambda look, f=first: merkle.consistency_path(f, size, look)))
        )
    return {
        kind: {
            "median_ms": round(statistics.median(values) * 1000, 3),
            "p95_ms": round(sorted(values)[int(len(values) * 0.95) - 1] * 1000, 3),
            "max_nodes_read": max(nodes[kind]),
        }
        for kind, values in timings.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    _setup()
    checkpoints = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.entries]
    if args.entries not in checkpoints:
        checkpoints.append(args.entries)
    print(machine())
    leaves_all = [_leaf(i) for i in range(args.entries)]
    baselines = _Baselines()
    done, append_seconds, rows = 0, 0.0, []
    for checkpoint in checkpoints:
        append_seconds += _append(leaves_all[done:checkpoint], done, baselines)
        done = checkpoint
        proofs = _proofs(checkpoint, args.samples)
        rows.append({"entries": checkpoint, "log2": round(math.log2(checkpoint), 1), **proofs})
        print(json.dumps(rows[-1]))
    rate = done / append_seconds
    batched_rate, single_rate = (done / baselines.seconds[k] for k in ("batched", "per_row"))
    print(f"register append: {rate:,.0f} entries/s over {done:,} entries "
          f"(hashes, nodes, root per entry; one INSERT, one signature per {BATCH})")  # fmt: skip
    print(f"baseline plain INSERT, one per batch of {BATCH}: {batched_rate:,.0f} rows/s; "
          f"register/baseline = {rate / batched_rate:.2f}")  # fmt: skip
    print(f"baseline plain INSERT, one per row: {single_rate:,.0f} rows/s; "
          f"register/baseline = {rate / single_rate:.2f}")  # fmt: skip
    print("| entries | log2 n | inclusion median ms | p95 | nodes read | consistency median ms "
          "| p95 | nodes read |")  # fmt: skip
    for r in rows:
        i, c = r["inclusion"], r["consistency"]
        print(f"| {r['entries']:,} | {r['log2']} | {i['median_ms']} | {i['p95_ms']} | "
              f"{i['max_nodes_read']} | {c['median_ms']} | {c['p95_ms']} | "
              f"{c['max_nodes_read']} |")  # fmt: skip
    print(f"command: .venv/bin/python bench/governance_register.py --entries {args.entries}")


if __name__ == "__main__":
    try:
        main()
    finally:
        drop_databases(DATABASE)
