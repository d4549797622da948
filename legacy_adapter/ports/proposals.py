"""Proposals and votes: read a proposal, list them, cast a vote.

``proposal_port()`` gives the legacy implementation (legacy ``/api/proposals`` and
``POST /api/proposals/{n}/votes``, through the client and the ACL) or the new one
(governance's published endpoints, in process), as ``LEGACY_PORTS["proposals"]`` says.
Both answer in the new API's shapes (``PROPOSAL_FIELDS``, ``VOTE_FIELDS``) and refuse
a vote with ``VoteRefused`` of the same ``kind``: ``not_found`` (no such proposal, or
one the legacy system cannot name), ``conflict`` (not open for voting, or past its
deadline), ``invalid`` (not a choice of the proposal).

Acting for someone: ``authorization`` (the caller's ``Authorization`` header value) is
passed to the new side, where governance counts the vote for the member the token
names and checks that member's eligibility (``forbidden`` when governance does not know
the member yet, or their reputation is below ``GOVERNANCE_VOTE_MIN_REPUTATION``). The
legacy side ignores it: the legacy system trusts its network, votes for whichever
member it is told and has no eligibility rule.

Where the sides differ, and what the port does about it:

- Status: governance has a richer lifecycle. The port answers legacy's three states:
  ``draft`` (governance's draft or discussion: not open yet), ``voting``, ``closed``
  (decided, rejected or withdrawn), as the ACL does for legacy. A proposal past its
  voting deadline is ``closed`` on both sides: legacy leaves it ``OPEN`` until someone
  closes it, governance leaves it ``voting`` until ``governance_close_due`` counts it,
  but neither takes a vote any more.
- Legacy stores a vote on a closed proposal, or past its deadline (it checks only that
  the proposal exists). The legacy implementation reads the proposal first and refuses
  such a vote as governance does (``conflict``); a proposal closing between that read
  and the vote is legacy's race, not ours to close.
- The answer to a vote: governance answers the proposal, legacy the vote. The port
  answers the vote (``VOTE_FIELDS``; governance publishes no vote id). On the new side
  the vote is the token's member's: ``member_id`` must be the caller's own id.
- **Not normalised**: a second vote by the same member. Governance takes it as a
  change of vote while voting is open; legacy refuses it (``conflict``, "already
  voted"), and its contract has no way to change a vote.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.utils import timezone

from legacy_adapter.acl.commands import UnknownToLegacy, vote_cast_to_legacy
from legacy_adapter.acl.resources import proposal_from_legacy, vote_from_legacy
from legacy_adapter.acl.values import number_for
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import SideFailed, VoteRefused, legacy_refusal, refusal_for
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

PROPOSAL_FIELDS = ("id", "author_id", "title", "summary", "status", "voting_deadline")
VOTE_FIELDS = ("proposal_id", "voter_id", "choice")
#: Governance's statuses in legacy's three.
_STATUS = {
    "draft": "draft",
    "discussion": "draft",
    "voting": "voting",
    "decided": "closed",
    "rejected": "closed",
    "withdrawn": "closed",
    "closed": "closed",
}


class ProposalPort(Protocol):
    def proposal_get(self, *, proposal_id: UUID) -> dict | None: ...

    def proposal_list(self) -> list[dict]: ...

    def vote_cast(
        self, *, proposal_id: UUID, member_id: UUID, choice: str, authorization: str | None = None
    ) -> dict: ...


def _fields(proposal: dict) -> dict:
    given = proposal.get("voting_deadline")
    deadline = datetime.fromisoformat(given.replace("Z", "+00:00")) if given else None
    status = _STATUS[proposal["status"]]
    if status == "voting" and deadline <= timezone.now():
        status = "closed"  # past its deadline: no vote counts any more, on either side
    return {
        "id": str(proposal["id"]),
        "author_id": str(proposal["author_id"]),
        "title": proposal["title"],
        "summary": proposal["summary"],
        "status": status,
        "voting_deadline": deadline.isoformat() if deadline else None,
    }


class LegacyProposals:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:proposals")

    def _get(self, number: int) -> dict | None:
        proposal = legacy_side.one(self.client, f"/api/proposals/{number}")
        return None if proposal is None else _fields(proposal_from_legacy(proposal))

    def proposal_get(self, *, proposal_id: UUID) -> dict | None:
        number = number_for("proposal", proposal_id)
        return None if number is None else self._get(number)

    def proposal_list(self) -> list[dict]:
        return [
            _fields(proposal_from_legacy(item))
            for item in legacy_side.items(self.client, "/api/proposals", number_field="proposal_no")
        ]

    def vote_cast(
        self, *, proposal_id: UUID, member_id: UUID, choice: str, authorization: str | None = None
    ) -> dict:
        number = number_for("proposal", proposal_id)
        proposal = None if number is None else self._get(number)
        if proposal is None:
            raise VoteRefused("not_found", f"No proposal {proposal_id}.")
        if proposal["status"] != "voting":
            raise VoteRefused("conflict", "This proposal is not open for voting.")
        try:
            body = vote_cast_to_legacy(member_id=member_id, choice=choice)
        except UnknownToLegacy as exc:
            raise VoteRefused("not_found", str(exc)) from exc
        answer = self.client.request("POST", f"/api/proposals/{number}/votes", json_body=body)
        if answer.status != 201:
            raise legacy_refusal(VoteRefused, answer)
        vote = vote_from_legacy(answer.json())
        return {name: vote[name] for name in VOTE_FIELDS}


class NewProposals:
    """Governance's proposal and vote endpoints, in process."""

    def proposal_get(self, *, proposal_id: UUID) -> dict | None:
        status, body = new_side.get(f"/api/v1/governance/proposals/{proposal_id}")
        if status == 404:
            return None
        if status != 200:
            raise SideFailed(f"governance proposal detail answered {status}: {body}")
        return _fields(body)

    def proposal_list(self) -> list[dict]:
        status, proposals = new_side.pages("/api/v1/governance/proposals")
        if status != 200:
            raise SideFailed(f"governance proposal list answered {status}")
        return [_fields(p) for p in proposals]

    def vote_cast(
        self, *, proposal_id: UUID, member_id: UUID, choice: str, authorization: str | None = None
    ) -> dict:
        status, body = new_side.post(
            f"/api/v1/governance/proposals/{proposal_id}/vote",
            {"choice": choice},
            authorization=authorization,
        )
        if status != 200:
            raise refusal_for(VoteRefused, status, body)
        return {"proposal_id": str(proposal_id), "voter_id": str(member_id), "choice": choice}


def proposal_port() -> ProposalPort:
    return NewProposals() if uses_new("proposals") else LegacyProposals()
