"""Passport consumer throughput: statements applied per second as members' evidence grows.

Statements for ``--members`` members go through the passport group's batch path
(``eventing.inbox.apply_batch``, batches of ``--batch`` as the consumer reads them),
with a framework of three competencies and six mapping rules. Measured twice in the
same run, on fresh databases: the incremental aggregation (what the handler does) and,
as the baseline, a full re-aggregation of every member of the batch (what it did
before: all the member's evidence against every rule). Rates are printed per quarter
of the run, so the slope as histories grow shows.

Run: ``.venv/bin/python bench/passport_consumer.py [--statements 20000] [--members 40]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops ``bench_passport_consumer``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = "bench_passport_consumer"
VERBS = ["http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"]
OBJECTS = [f"https://learn.example.org/modules/{i}" for i in range(20)]


def _framework() -> None:
    from domains.passport.models import CompetencyFramework, MappingRule

    framework = CompetencyFramework.objects.create(name="Bench", version="1")
    for n in range(3):
        competency = framework.competencies.create(code=f"C-{n}", name=f"Competency {n}")
        MappingRule.objects.create(
            competency=competency, level=1, verb_id=VERBS[0], min_count=2,
            activity_type="http://adlnet.gov/expapi/activities/module",
        )  # fmt: skip
        MappingRule.objects.create(
            competency=competency, level=3, verb_id=VERBS[1], activity_id=OBJECTS[n],
            min_score=0.8,
        )  # fmt: skip


def _run(label: str, statements: int, members: int, batch: int) -> float:
    from contracts.events import envelope_for
    from contracts.learning.v1 import StatementRecorded
    from eventing.inbox import apply_batch

    rng = random.Random(19)  # noqa: S311 - benchmark data
    actors = [f"mailto:{label}-{i}@example.org" for i in range(members)]
    quarter, done, rates = statements // 4, 0, []
    started = lap = time.perf_counter()
    while done < statements:
        now = datetime.now(UTC)
        events = [
            StatementRecorded(
                statement_id=uuid4(), actor_ifi=rng.choice(actors), verb_id=rng.choice(VERBS),
                object_id=rng.choice(OBJECTS),
                object_type="http://adlnet.gov/expapi/activities/module", timestamp=now,
                stored=now, result_score_scaled=rng.random(), result_success=True,
            )
            for _ in range(batch)
        ]  # fmt: skip
        apply_batch("passport", "passport", [envelope_for(e, producer="learning") for e in events])
        done += batch
        if done % quarter < batch:
            rates.append(quarter / (time.perf_counter() - lap))
            lap = time.perf_counter()
    total = done / (time.perf_counter() - started)
    quarters = ", ".join(f"{r:,.0f}" for r in rates[:4])
    print(f"{label}: {total:,.0f} events/s overall; per quarter: {quarters}", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()

    recreate_databases(DATABASE)
    service_django("passport", DATABASE)
    from django.core.management import call_command
    from django.db import connections

    from domains.passport import aggregation, handlers

    try:
        call_command("migrate", database="passport", verbosity=0)
        print(f"machine: {machine()}")
        _framework()
        incremental = _run("incremental (now)", args.statements, args.members, args.batch)

        def full(*, evidence, now):
            aggregation.evidence_changed(member_ids=[e.member_id for e in evidence], now=now)

        handlers.evidence_recorded = full
        baseline = _run("full re-aggregation (before)", args.statements, args.members, args.batch)
        print(f"ratio incremental / full: {incremental / baseline:.1f}x")
    finally:
        connections.close_all()
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python bench/passport_consumer.py"
        f" --statements {args.statements} --members {args.members} --batch {args.batch}"
    )


if __name__ == "__main__":
    main()
