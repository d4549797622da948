"""Credential issue and verify rates, against bare Ed25519 in the same run.

- sign: a competency credential (VC 2.0 / OB 3.0 shape) canonicalised, hashed and
  signed (``domains.passport.domain.vc.sign``) vs ``Ed25519PrivateKey.sign`` of the same
  canonical bytes;
- verify: signature, validity and status against a downloaded status list snapshot
  (``vc.verify``, what the offline path does) vs a bare ``Ed25519PublicKey.verify``;
- issue end to end: ``services.credential_issue`` on PostgreSQL (passport computed from
  evidence, status index allocated, signed, event stored, read model projected);
- verify live: ``services.credential_verify`` (builds and signs the current status list).

Run: ``.venv/bin/python bench/passport_credentials.py [--issue 300]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops ``benchpg_passport``).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = "benchpg_passport"


def _setup() -> None:
    recreate_databases(DATABASE)
    service_django("passport", DATABASE)
    from django.core.management import call_command

    call_command("migrate", database="passport", verbosity=0)


def _rate(count: int, work) -> float:
    started = time.perf_counter()
    for _ in range(count):
        work()
    return count / (time.perf_counter() - started)


def _members(count: int):
    """``count`` members holding WEB-1, through the passport's own event handler."""
    from contracts.events import envelope_for
    from contracts.learning.v1 import StatementRecorded
    from domains.passport.handlers import holder_id
    from domains.passport.models import CompetencyFramework, MappingRule
    from eventing.inbox import apply_envelope

    framework = CompetencyFramework.objects.create(name="Bench", version=str(uuid4()))
    competency = framework.competencies.create(code="WEB-1", name="Build a web API")
    verb = "http://adlnet.gov/expapi/verbs/completed"
    MappingRule.objects.create(competency=competency, level=2, verb_id=verb)
    members = []
    for i in range(count):
        ifi = f"mailto:bench{i}@example.org"
        now = datetime.now(UTC)
        event = StatementRecorded(
            statement_id=uuid4(), actor_ifi=ifi, verb_id=verb, object_id="https://x/course",
            object_type="", timestamp=now, stored=now,
        )  # fmt: skip
        apply_envelope("passport", envelope_for(event, producer="learning"))
        members.append(holder_id(ifi))
    return competency, members


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issue", type=int, default=300)
    parser.add_argument("--pure", type=int, default=3000)
    args = parser.parse_args()
    _setup()
    from domains.passport import issuer, services
    from domains.passport.domain import vc

    print(machine())
    competency, members = _members(args.issue)
    started = time.perf_counter()
    issued = [
        services.credential_issue(member_id=m, kind="competency", competency_id=competency.id)
        for m in members
    ]
    issue_rate = len(issued) / (time.perf_counter() - started)
    document = issued[0].document
    snapshot = services.status_list_credential()
    key, public = issuer.issuer_key(), issuer.public_key()
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    message = vc.canonical(unsigned)
    signature = key.sign(message)
    now = datetime.now(UTC)

    method = issuer.verification_method()
    sign_rate = _rate(args.pure, lambda: vc.sign(
        unsigned, key=key, verification_method=method, created=now))  # fmt: skip
    bare_sign = _rate(args.pure, lambda: key.sign(message))
    verify_rate = _rate(args.pure, lambda: vc.verify(
        document, public_key=public, now=now, status_list=snapshot))  # fmt: skip
    bare_verify = _rate(args.pure, lambda: public.verify(signature, message))
    live_rate = _rate(min(200, args.issue), lambda: services.credential_verify(document=document))
    if vc.verify(document, public_key=public, now=now, status_list=snapshot):
        raise RuntimeError("the benchmark's credential does not verify")

    print("| operation | per second | bare Ed25519 baseline | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| sign a credential (JCS + SHA-256 + Ed25519) | {sign_rate:,.0f} | {bare_sign:,.0f} "
          f"| {sign_rate / bare_sign:.2f} |")  # fmt: skip
    print(f"| verify offline (signatures, validity, status snapshot) | {verify_rate:,.0f} | "
          f"{bare_verify:,.0f} | {verify_rate / bare_verify:.2f} |")  # fmt: skip
    print(f"| issue end to end on PostgreSQL ({args.issue}) | {issue_rate:,.0f} | | |")
    print(f"| verify live (current status list built and signed) | {live_rate:,.0f} | | |")
    print(f"command: .venv/bin/python bench/passport_credentials.py --issue {args.issue}")


if __name__ == "__main__":
    try:
        main()
    finally:
        drop_databases(DATABASE)
