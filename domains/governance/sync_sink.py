"""Proposals and votes copied from the legacy system during the transition
(``LEGACY_SYNC_SINKS["proposals"]`` and ``["votes"]``).

The sinks receive records already in the new API's shape, keyed by stable ids; the
legacy adapter translated them, governance never sees a legacy shape. A proposal's
``status`` there is governance's lifecycle, coarsely: ``draft``, ``voting`` or
``closed`` (governance's ``decided`` or ``rejected``).

Everything is written as events of the proposal's aggregate, through the services:
``proposal_import`` creates it under its stable id (a draft, or open for voting with
the deadline legacy set), ``vote_import`` appends votes under theirs (``VoteRecorded``,
a ``VoteCast``: counted, projected and entered in the decision register like any).
Closing is governance's own: a proposal legacy closed stays open here until its
deadline has passed and ``governance_close_due`` (or any voter) counts the votes, so
votes copied after the proposal are counted too; until then ``reconcile`` shows its
status differing. What governance cannot take over is **skipped and reported**
(``problems``), never half-written: a changed title, summary or deadline (a proposal
keeps its words and deadline once proposed), a reopening, a vote on a proposal not
copied yet or already counted, a choice the method does not know.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from common.sync_sinks import Skip, upsert_each
from domains.governance.apps import ALIAS
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.domain.proposal import ProposalRefused
from domains.governance.models import Proposal, Vote
from domains.governance.services import (
    ProposalNotFound,
    proposal_import,
    proposal_open_imported,
    vote_import,
)

_CLOSED = {ProposalStatus.DECIDED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN}


class ProposalSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write_proposal)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        proposals = Proposal.objects.using(ALIAS).filter(pk__in=ids)
        return {str(p.pk): _proposal(p) for p in proposals}


class VoteSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write_vote)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        votes = Vote.objects.using(ALIAS).filter(imported_id__in=ids)
        return {str(v.imported_id): _vote(v) for v in votes}


def _write_proposal(record: dict, before: dict | None) -> bool:
    if before is None:
        try:
            proposal_import(
                proposal_id=UUID(record["id"]),
                author_id=UUID(record["author_id"]),
                title=record["title"],
                summary=record["summary"],
                voting_deadline=_datetime(record["voting_deadline"]),
            )
        except ProposalRefused as exc:
            raise Skip(f"proposal {record['id']}: {exc}") from exc
        return True
    if _waits_for_count(before, record):
        return False
    if _opened(before, record):
        proposal_open_imported(
            proposal_id=UUID(record["id"]), voting_deadline=_datetime(record["voting_deadline"])
        )
        return True
    changed = sorted(k for k in record if record[k] != before.get(k))
    raise Skip(
        f"proposal {record['id']}: legacy changed {', '.join(changed)} "
        f"(here {before['status']}); governance cannot take that over"
    )


def _write_vote(record: dict, before: dict | None) -> None:
    try:
        vote_import(
            vote_id=UUID(record["id"]),
            proposal_id=UUID(record["proposal_id"]),
            member_id=UUID(record["voter_id"]),
            choice=record["choice"],
        )
    except ProposalNotFound as exc:
        raise Skip(
            f"vote {record['id']}: proposal {record['proposal_id']} is not copied yet "
            "(sync proposals first)"
        ) from exc
    except ProposalRefused as exc:
        raise Skip(f"vote {record['id']} on proposal {record['proposal_id']}: {exc}") from exc


def _waits_for_count(before: dict, record: dict) -> bool:
    """Legacy closed a proposal still open here: governance counts it (see above)."""
    return (
        before["status"] == ProposalStatus.VOTING
        and record["status"] == "closed"
        and {**before, "status": "closed"} == record
    )


def _opened(before: dict, record: dict) -> bool:
    """A copied draft that legacy opened for voting (or closed: counted here later)."""
    return (
        before["status"] == ProposalStatus.DRAFT
        and record["status"] in (ProposalStatus.VOTING, "closed")
        and record["voting_deadline"] is not None
        and {k: v for k, v in before.items() if k not in ("status", "voting_deadline")}
        == {k: v for k, v in record.items() if k not in ("status", "voting_deadline")}
    )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _proposal(proposal: Proposal) -> dict:
    status = "closed" if proposal.status in _CLOSED else proposal.status
    return {
        "id": str(proposal.pk),
        "author_id": str(proposal.author_id),
        "title": proposal.title,
        "summary": proposal.summary,
        "status": status,
        "voting_deadline": (
            proposal.voting_deadline.isoformat() if proposal.voting_deadline else None
        ),
    }


def _vote(vote: Vote) -> dict:
    return {
        "id": str(vote.imported_id),
        "proposal_id": str(vote.proposal_id),
        "voter_id": str(vote.member_id),
        "choice": vote.choice,
    }
