"""Rule coverage: which rules a test run saw deducted, clear, at their cap, or never.

Every evaluation in the test process reaches :class:`CoverageRecorder` through the
``govopen_result`` hook. A rule is *covered* when the run saw it both deducted and clear: a rule
never seen firing, or never seen passing, is a rule whose test is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from govopen_rules.evaluation.results import EvaluationResult, Status
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.plugins.registry import Registry
from govopen_rules.rubric.compiler import compile_rubric

__all__ = ["CoverageRecorder", "RubricCoverage", "RuleCoverage"]

KINDS = ("deducted", "clear", "at_cap", "no_evidence", "not_applicable")


@attrs.frozen(kw_only=True)
class RuleCoverage:
    """How often one rule was seen in each state."""

    rule_id: str
    deducted: int = 0
    clear: int = 0
    at_cap: int = 0
    no_evidence: int = 0
    not_applicable: int = 0

    @property
    def covered(self) -> bool:
        """Seen both firing and passing."""
        return self.deducted > 0 and self.clear > 0


@attrs.frozen(kw_only=True)
class RubricCoverage:
    """Coverage of one rubric's rules."""

    rubric_id: str
    evaluations: int
    rules: tuple[RuleCoverage, ...]

    @property
    def percent(self) -> float:
        """Share of rules covered, in percent."""
        if not self.rules:
            return 100.0
        return 100.0 * sum(r.covered for r in self.rules) / len(self.rules)


class CoverageRecorder:
    """A plugin object that counts verdicts per rule; register it on the default manager."""

    def __init__(self) -> None:
        self.evaluations: dict[str, int] = defaultdict(int)
        self.counts: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: dict.fromkeys(KINDS, 0))
        )
        self.caps: dict[str, dict[str, Any]] = {}

    @hookimpl
    def govopen_result(self, result: EvaluationResult) -> None:
        self.evaluations[result.rubric_id] += 1
        counts = self.counts[result.rubric_id]
        for area in result.areas:
            for indicator in area.indicators:
                full = indicator.deducted > 0 and indicator.score == 0
                for verdict in indicator.verdicts:
                    entry = counts[verdict.rule_id]
                    entry[verdict.status.value] += 1
                    if verdict.status is Status.DEDUCTED and (
                        full or self._at_rule_cap(result, verdict.rule_id, verdict.points)
                    ):
                        entry["at_cap"] += 1

    def _at_rule_cap(self, result: EvaluationResult, rule_id: str, points: Any) -> bool:
        cap = self.caps.get(result.rubric_id, {}).get(rule_id)
        return cap is not None and points >= cap

    def learn_caps(self, registry: Registry) -> None:
        """Remember each rule's own cap, resolved (a cap may be a parameter)."""
        for rubric in registry.rubrics():
            compiled = compile_rubric(rubric, registry.fact_kinds)  # no engine is built
            self.caps[rubric.id] = {r.rule.id: r.cap for r in compiled.rules if r.cap is not None}

    def report(self, registry: Registry, only: Iterable[str] = ()) -> list[RubricCoverage]:
        """Coverage of every installed rubric (or of ``only``), rules never seen included."""
        wanted = set(only)
        out = []
        for rubric in registry.rubrics():
            if wanted and rubric.id not in wanted:
                continue
            seen = self.counts.get(rubric.id, {})
            rules = tuple(
                RuleCoverage(rule_id=rule.id, **seen.get(rule.id, dict.fromkeys(KINDS, 0)))
                for area in rubric.areas
                for ind in area.indicators
                for rule in ind.rules
            )
            out.append(
                RubricCoverage(
                    rubric_id=rubric.id, evaluations=self.evaluations.get(rubric.id, 0), rules=rules
                )
            )
        return out


def render_table(report: list[RubricCoverage]) -> str:
    """The coverage report as a readable table."""
    lines = []
    for rubric in report:
        if not rubric.evaluations:
            lines.append(f"{rubric.rubric_id}: not exercised ({len(rubric.rules)} rules)")
            continue
        covered = sum(r.covered for r in rubric.rules)
        lines.append(
            f"{rubric.rubric_id}: {covered}/{len(rubric.rules)} rules covered "
            f"({rubric.percent:.0f}%), {rubric.evaluations} evaluations"
        )
        width = max(len(r.rule_id) for r in rubric.rules)
        lines.append(f"  {'rule':<{width}}  deducted  clear  at cap  no evidence  n/a")
        for r in rubric.rules:
            flag = (
                ""
                if r.covered
                else (
                    "  <- never exercised"
                    if not (r.deducted or r.clear)
                    else "  <- never deducted"
                    if not r.deducted
                    else "  <- never clear"
                )
            )
            lines.append(
                f"  {r.rule_id:<{width}}  {r.deducted:>8}  {r.clear:>5}  {r.at_cap:>6}"
                f"  {r.no_evidence:>11}  {r.not_applicable:>3}{flag}"
            )
    return "\n".join(lines)


def as_json(report: list[RubricCoverage]) -> list[dict[str, Any]]:
    """The coverage report as plain data."""
    return [
        {
            "rubric_id": r.rubric_id,
            "evaluations": r.evaluations,
            "percent": round(r.percent, 1),
            "rules": [{**attrs.asdict(rule), "covered": rule.covered} for rule in r.rules],
        }
        for r in report
    ]
