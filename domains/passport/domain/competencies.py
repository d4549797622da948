"""From learning evidence to competency levels: the mapping rules, framework-free.

A rule says: statements with this verb (and this activity id, or activity type),
scoring at least ``min_score`` (scaled, when given), at least ``min_count`` times,
show this competency at ``level``. A member holds a competency at the highest level
one of its rules is satisfied for, and that level's evidence is the statements that
satisfied it. Voided statements are not evidence, so a level that only a voided
statement supported falls back by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    statement_id: str
    verb_id: str
    object_id: str
    object_type: str
    score_scaled: float | None
    success: bool | None


@dataclass(frozen=True)
class Rule:
    competency: str
    level: int
    verb_id: str
    activity_id: str = ""
    activity_type: str = ""
    min_score: float | None = None
    min_count: int = 1

    def matches(self, statement: Statement) -> bool:
        if statement.verb_id != self.verb_id:
            return False
        if self.activity_id and statement.object_id != self.activity_id:
            return False
        if self.activity_type and statement.object_type != self.activity_type:
            return False
        if self.min_score is not None:
            return statement.score_scaled is not None and statement.score_scaled >= self.min_score
        return statement.success is not False


@dataclass
class Held:
    competency: str
    level: int
    evidence: list[str] = field(default_factory=list)


def rule_matches(rules: Mapping[str, Rule], statements: Iterable[Statement]) -> dict[str, set[str]]:
    """For each rule (by id), the statements it matches: the state an aggregation keeps
    so that a new statement costs its own matching, not the member's whole history."""
    matches: dict[str, set[str]] = {}
    add_matches(matches, rules, statements)
    return matches


def add_matches(
    matches: dict[str, set[str]], rules: Mapping[str, Rule], statements: Iterable[Statement]
) -> None:
    for statement in statements:
        for rule_id, rule in rules.items():
            if rule.matches(statement):
                matches.setdefault(rule_id, set()).add(statement.statement_id)


def held_from_matches(
    rules: Mapping[str, Rule], matches: Mapping[str, Iterable[str]]
) -> dict[str, Held]:
    """The level and evidence of each competency, from each rule's matching statements."""
    held: dict[str, Held] = {}
    for rule_id, rule in rules.items():
        evidence = sorted(matches.get(rule_id, ()))
        if len(evidence) < rule.min_count:
            continue
        current = held.get(rule.competency)
        if current is None or rule.level > current.level:
            held[rule.competency] = Held(rule.competency, rule.level, evidence)
        elif rule.level == current.level:
            current.evidence = sorted(set(current.evidence) | set(evidence))
    return held


def competencies_held(rules: Iterable[Rule], statements: list[Statement]) -> dict[str, Held]:
    """The level and evidence of each competency the statements show."""
    by_id = {str(i): rule for i, rule in enumerate(rules)}
    return held_from_matches(by_id, rule_matches(by_id, statements))
