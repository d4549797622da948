"""Reads of passport data: frameworks, and a member's passport computed from evidence.

A passport's competencies are aggregated from the evidence; ``passport_read`` serves
the member's snapshot when it is current (``aggregation.py`` keeps it so) and
aggregates otherwise — or, while ops have switched ``passport_reaggregation`` off under
load, serves the last snapshot however far behind, and says so.
"""

from datetime import UTC
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from domains.passport.domain.competencies import (
    Held,
    Rule,
    Statement,
    held_from_matches,
    rule_matches,
)
from domains.passport.domain.levels import Level
from domains.passport.models import (
    Competency,
    CompetencyFramework,
    CredentialRecord,
    Endorsement,
    Evidence,
    MappingRule,
    PassportSnapshot,
)

SECTIONS = ("competencies", "evidence", "endorsements", "credentials")


def framework_list() -> QuerySet[CompetencyFramework]:
    return CompetencyFramework.objects.prefetch_related("competencies")


def rules_by_id() -> dict[str, Rule]:
    """Every mapping rule, by its id (levels capped at their competency's maximum)."""
    return {
        str(r.id): Rule(
            competency=str(r.competency_id),
            level=min(r.level, r.competency.max_level),
            verb_id=r.verb_id,
            activity_id=r.activity_id,
            activity_type=r.activity_type,
            min_score=r.min_score,
            min_count=r.min_count,
        )
        for r in MappingRule.objects.using("passport").select_related("competency")
    }


def competency_table(ids) -> dict[str, Competency]:
    return {
        str(c.id): c
        for c in Competency.objects.using("passport")
        .filter(id__in=list(ids))
        .select_related("framework")
    }


def statement_of(evidence: Evidence) -> Statement:
    return Statement(
        str(evidence.statement_id),
        evidence.verb_id,
        evidence.object_id,
        evidence.object_type,
        evidence.score_scaled,
        evidence.success,
    )


def evidence_detail(evidence: Evidence) -> dict[str, str]:
    """How a competency lists one piece of its evidence."""
    return {
        "statement_id": str(evidence.statement_id),
        "verb_id": evidence.verb_id,
        "object_id": evidence.object_id,
        "timestamp": evidence.timestamp.astimezone(UTC).isoformat(),
        "authority": evidence.authority_ifi,
    }


def competencies_listed(
    held: dict[str, Held], details: dict[str, dict], competencies: dict[str, Competency]
) -> list[dict[str, Any]]:
    """The competencies held, by code, each with its level and its evidence."""
    listed = []
    for competency_id, h in sorted(held.items(), key=lambda kv: competencies[kv[0]].code):
        c = competencies[competency_id]
        listed.append(
            {
                "competency_id": competency_id,
                "framework": f"{c.framework.name} {c.framework.version}",
                "code": c.code,
                "name": c.name,
                "level": h.level,
                "level_name": Level(h.level).name.title(),
                "evidence": [details[sid] for sid in h.evidence],
            }
        )
    return listed


def member_aggregate(
    *, member_id: UUID, rules: dict[str, Rule], competencies: dict[str, Competency] | None = None
) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    """The full aggregation of one member (all its standing evidence against every rule):
    the competencies held, and each rule's matching statements (to continue from)."""
    # Only what counts: standing, and from an authority trusted for it (handlers.distrust).
    rows = list(
        Evidence.objects.using("passport").filter(member_id=member_id, voided_at=None, distrust="")
    )
    matches = rule_matches(rules, map(statement_of, rows))
    held = held_from_matches(rules, matches)
    if competencies is None:
        competencies = competency_table(held)
    details = {str(e.statement_id): evidence_detail(e) for e in rows}
    return competencies_listed(held, details, competencies), matches


def competencies_aggregate(*, member_id: UUID) -> list[dict[str, Any]]:
    """The aggregation: the member's standing evidence against every mapping rule, giving
    each competency held with its level and the statements that show it (by code)."""
    return member_aggregate(member_id=member_id, rules=rules_by_id())[0]


def passport_for(
    *,
    member_id: UUID,
    sections: tuple[str, ...] = SECTIONS,
    competencies: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The member's passport: competencies with their level and evidence, credentials.

    ``competencies``: already aggregated (a snapshot); None aggregates the evidence now.
    """
    passport: dict[str, Any] = {"member_id": str(member_id)}
    if "competencies" in sections:
        if competencies is None:
            competencies = competencies_aggregate(member_id=member_id)
        if "evidence" not in sections:
            competencies = [{k: v for k, v in c.items() if k != "evidence"} for c in competencies]
        passport["competencies"] = competencies
    if "endorsements" in sections:
        passport["endorsements"] = [
            {"competency": e.competency.code, "endorser_id": str(e.endorser_id),
             "comment": e.comment, "created_at": e.created_at.isoformat()}
            for e in Endorsement.objects.using("passport")
            .filter(member_id=member_id)
            .select_related("competency")
        ]  # fmt: skip
    if "credentials" in sections:
        passport["credentials"] = [
            {"id": str(r.id), "kind": r.kind, "name": r.document.get("name", ""),
             "issued_at": r.issued_at.isoformat(), "url": r.document.get("id")}
            for r in CredentialRecord.objects.using("passport").filter(
                member_id=member_id, revoked_at=None
            )
        ]  # fmt: skip
    return passport


def passport_read(
    *, member_id: UUID, sections: tuple[str, ...] = SECTIONS, reaggregate: bool = True
) -> tuple[dict[str, Any], bool]:
    """The passport for a reader, and whether it is the degraded one.

    The competencies come from the member's snapshot when it is current (re-aggregated
    in the transaction of the member's latest evidence, and not invalidated since by a
    change of the rules); otherwise they are aggregated now. ``reaggregate=False``
    (degraded): any snapshot is served, however far behind it is — marked as degraded
    when it is behind; a member never aggregated yet is aggregated now (there is
    nothing else true to show).
    """
    if "competencies" in sections:
        snapshot = (
            PassportSnapshot.objects.using("passport")
            .filter(member_id=member_id, aggregated_at__isnull=False)
            .values_list("competencies", "pending_since")
            .first()
        )
        if snapshot is not None:
            competencies, pending_since = snapshot
            if pending_since is None or not reaggregate:
                passport = passport_for(
                    member_id=member_id, sections=sections, competencies=competencies
                )
                return passport, pending_since is not None
    return passport_for(member_id=member_id, sections=sections), False
