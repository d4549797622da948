"""Learning activity copied from the legacy system during the transition
(``LEGACY_SYNC_SINKS["activity"]``).

The sink receives legacy course records already translated into xAPI statements (the
legacy adapter's ACL: stable ``id``, the member's account as ``actor``, an ADL verb, the
course as the object, ``result``, ``timestamp``); learning never sees a legacy shape.
Each is stored through ``statements_store``, one statement per call, so the LRS's own
validation applies, ``learning.statement_recorded`` is published in the same
transaction (passport reacts as to any statement) and one refused record never stops
the page. The authority is ``LEGACY_IMPORT_AUTHORITY``, a fixed agent under
``<LRS_AUTHORITY_HOMEPAGE>/imports``, so every copied statement says where it came from
(no client or member can be given that account: clients live under ``/clients``,
members under ``/members``, services under ``/services``).

**Statements are immutable (xAPI-Data §2.3.1), so a legacy record that changed after it
was copied is skipped and reported**, never rewritten: the copy keeps what was recorded,
``reconcile`` keeps listing the difference, and whoever owns the learning record decides
(void the copy and record a new statement through the LRS if the change must count).
Voiding and replacing automatically was rejected: a new id breaks the one-to-one,
reversible mapping from legacy numbers, and passport evidence would churn with every
legacy edit. Also skipped and reported: a record the LRS refuses (``score_pct`` 150,
named by the failing property), a copy voided on the new side (not restored), and a
statement id held by a statement from another authority (a conflict, left alone).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from common.sync_sinks import Skip, upsert_each
from domains.learning.apps import ALIAS
from domains.learning.authority import lrs_account
from domains.learning.domain.xapi.agents import agent_ifi
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.models import Statement
from domains.learning.services.statements import StatementConflict, statements_store

#: The properties the legacy adapter sends (and ``get_many`` gives back).
FIELDS = ("id", "actor", "verb", "object", "result")


def legacy_import_authority() -> dict[str, Any]:
    """The authority of every statement copied from legacy."""
    return lrs_account("imports", "legacy", "Legacy import")


class LegacyActivitySink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        """Unvoided statements this import stored, as the adapter sent them."""
        statements = Statement.objects.using(ALIAS).filter(
            pk__in=[UUID(i) for i in ids],
            voided=False,
            authority_ifi=agent_ifi(legacy_import_authority()),
        )
        return {str(s.pk): _record(s) for s in statements}


def _write(record: dict, before: dict | None) -> None:
    if before is not None:
        changed = sorted(k for k in {*record, *before} if record.get(k) != before.get(k))
        raise Skip(
            f"activity {record['id']}: legacy and the copy differ in {', '.join(changed)}; "
            "an xAPI statement is immutable, the copy keeps what was recorded"
        )
    if Statement.objects.using(ALIAS).filter(pk=record["id"], voided=True).exists():
        raise Skip(f"activity {record['id']}: its copy was voided in the LRS; not restored")
    try:
        statements_store(statements=[record], authority=legacy_import_authority(), batch=False)
    except XapiInvalid as exc:
        raise Skip(f"activity {record['id']}: the LRS refuses it ({exc.property}: {exc})") from exc
    except StatementConflict as exc:
        raise Skip(f"activity {record['id']}: {exc} (not by the legacy import)") from exc


def _record(statement: Statement) -> dict:
    document = statement.document
    record = {name: document[name] for name in FIELDS if name in document}
    return {**record, "timestamp": statement.timestamp.isoformat()}
