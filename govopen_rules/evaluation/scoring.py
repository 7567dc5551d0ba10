"""Turn engine matches into verdicts and scores, exactly, in Decimal.

A rule's deduction is capped by the rule's cap, an indicator's by its cap (default: its points),
an area's by its cap; no score goes below zero. A veto marks the unit failed; bonuses are added
up to the rubric's bonus cap. A rule without evidence is decided by the rubric's missing-evidence
policy, which the verdict names; every result carries the score range the evidence proves
(:mod:`.ranges`) and, where the rubric has an evidence gate, holds back a grade the evidence
does not support.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Literal

import attrs

from govopen_rules.engines.protocol import Match
from govopen_rules.errors import FactsValidationError
from govopen_rules.evaluation.ranges import (
    Ends,
    bonus_ends,
    evidence_share,
    indicator_losses,
    vetoed_low,
)
from govopen_rules.evaluation.results import (
    AreaResult,
    Effect,
    EvaluationResult,
    EvidenceRef,
    GradeHeld,
    IndicatorResult,
    ScoreRange,
    Status,
    Verdict,
)
from govopen_rules.facts.identity import identifying_fields
from govopen_rules.facts.model import Unit
from govopen_rules.plugins.builtin.derive import DEADLINE_MEASURES
from govopen_rules.rubric.compiler import CompiledRubric, CompiledRule
from govopen_rules.rubric.conditions import All, Any_, Condition, Exists
from govopen_rules.rubric.describe import describe_condition
from govopen_rules.rubric.evidence_policy import deduction_for

__all__ = ["PreparedFact", "UncoveredKind", "score"]

#: What to do with a unit whose kind the rubric's ``unit_kinds`` does not cover: refuse it
#: (naming the kinds covered), or score every rule ``not_applicable``.
UncoveredKind = Literal["error", "not_applicable"]

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class PreparedFact:
    """A fact as the pipeline sees it: position in the file, typed, derived and encoded."""

    index: int
    kind: str
    fact: object
    derived: Mapping[str, object]
    encoded: Mapping[str, object]


def _display(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(_display(v) for v in value)
    return str(value)


class _Evidence:
    """Evidence references for one evaluation, built once per (fact, fields read).

    Rules that read the same fields of the same fact share one immutable reference.
    """

    __slots__ = ("_refs",)

    def __init__(self) -> None:
        self._refs: dict[tuple[int, tuple[str, ...]], EvidenceRef] = {}

    def ref(self, pf: PreparedFact, consulted: tuple[str, ...]) -> EvidenceRef:
        key = (pf.index, consulted)
        found = self._refs.get(key)
        if found is None:
            # Which fact it is (a name, a title), what the rule read, the measures derived from
            # it (deadlines, delays), and where it was seen: enough to check the verdict by hand.
            values = {}
            cls: type = type(pf.fact)
            shown = (*identifying_fields(cls), *consulted, *pf.derived, "source", "note")
            for name in dict.fromkeys(shown):
                value = pf.derived.get(name, getattr(pf.fact, name, None))
                if value is not None:
                    values[name] = _display(value)
            found = EvidenceRef(fact_index=pf.index, kind=pf.kind, values=values)
            self._refs[key] = found
        return found

    def for_rule(
        self, rule: CompiledRule, facts: Iterable[PreparedFact]
    ) -> tuple[EvidenceRef, ...]:
        return tuple(self.ref(pf, rule.consulted) for pf in facts)


@functools.lru_cache(maxsize=4096)
def _compared(cond: Condition) -> frozenset[str] | None:
    """The fields a condition compares; None when it tests presence (``exists``) anywhere."""
    if isinstance(cond, Exists):
        return None
    if isinstance(cond, (All, Any_)):
        parts = [_compared(item) for item in cond.items]
        return None if None in parts else frozenset().union(*parts)  # type: ignore[arg-type]
    return frozenset({cond.field})


def _decides(rule: CompiledRule, pf: PreparedFact) -> bool:
    """Whether the fact can decide the rule.

    A rule whose ``when`` compares only deadline measures (``late``, ``overdue``: a date done
    against a date due) cannot decide on a fact whose due date is unknown, such as a submission
    without ``due_on``: that fact is no evidence for the rule, so a unit with only such facts
    gets ``no_evidence``, not ``clear``. A ``when`` that tests presence (``exists``) decides.
    """
    read = None if rule.when is None else _compared(rule.when)
    if not read or not read <= DEADLINE_MEASURES:
        return True
    return any(pf.derived.get(name, getattr(pf.fact, name, None)) is not None for name in read)


def _stating(rule: CompiledRule) -> str:
    where = rule.rule.evidence.where
    return "" if where is None else f" where {describe_condition(where)}"


def _count(rule: CompiledRule, hits: Sequence[PreparedFact]) -> int:
    count = rule.rule.count
    if count.mode == "facts":
        return len(hits)
    if count.mode == "absent":
        return 0 if hits else 1
    if count.mode == "shortfall":
        assert rule.minimum is not None
        return max(0, rule.minimum - len(hits))
    assert count.field is not None
    if count.mode == "sum":
        return sum(int(str(pf.encoded.get(count.field, 0))) for pf in hits)
    covered = {pf.encoded.get(count.field) for pf in hits}
    return sum(1 for value in count.values if unicodedata.normalize("NFC", value) not in covered)


def _points_for(rule: CompiledRule, n: int) -> Decimal:
    return deduction_for(rule.rule.deduct.mode, rule.points, rule.tiers, rule.cap, n)


def _verdict(
    rule: CompiledRule,
    unit: Unit,
    evidence: Sequence[PreparedFact],
    problems: Sequence[PreparedFact],
    evidence_refs: _Evidence,
    covered: bool = True,
) -> Verdict:
    mode = rule.rule.deduct.mode
    effect = {"veto": Effect.VETO, "bonus": Effect.BONUS}.get(mode, Effect.DEDUCTION)

    def make(
        status: Status,
        points: Decimal,
        count: int,
        message: str,
        shown: Sequence[PreparedFact] = (),
        by_policy: bool = False,
    ) -> Verdict:
        lacking = status is Status.NO_EVIDENCE
        return Verdict(
            rule_id=rule.rule.id,
            title=rule.rule.title,
            indicator=rule.indicator.code,
            status=status,
            effect=effect,
            points=points,
            count=count,
            message=message,
            citation=rule.rule.citation,
            evidence=evidence_refs.for_rule(rule, shown),
            assumptions=rule.assumptions,
            policy=rule.missing if by_policy else None,
            at_stake=max(points, rule.at_most) if lacking else None,
        )

    if not covered:
        return make(
            Status.NOT_APPLICABLE, ZERO, 0, f"不适用 (the rubric does not cover {unit.kind})"
        )
    if rule.rule.applies_to and unit.kind not in rule.rule.applies_to:
        scope = ", ".join(rule.rule.applies_to)
        return make(Status.NOT_APPLICABLE, ZERO, 0, f"不适用 (applies to {scope} only)")
    if not evidence:
        missing = rule.missing
        note = f"：{missing.note}" if missing.note else ""
        if missing.mode == "clear":
            message = f"未发现问题 (nothing recorded){note}"
            return make(Status.CLEAR, ZERO, 0, message, by_policy=True)
        message = f"缺少证据 (no {rule.rule.evidence.kind} fact{_stating(rule)}){note}"
        return make(Status.NO_EVIDENCE, missing.points, 0, message, by_policy=True)
    n = _count(rule, problems)
    if n == 0:
        return make(Status.CLEAR, ZERO, 0, "未发现问题 (clear)", evidence)
    shown = problems if rule.rule.count.mode in ("facts", "sum", "shortfall") else evidence
    message = rule.rule.message.format(count=n)
    return make(Status.DEDUCTED, _points_for(rule, n), n, message, shown)


def _covered(compiled: CompiledRubric, unit: Unit, uncovered_kind: UncoveredKind) -> bool:
    """Whether the rubric covers the unit's kind; an uncovered kind is an error unless the
    caller asked for every rule to be ``not_applicable``."""
    kinds = compiled.rubric.unit_kinds
    if not kinds or unit.kind in kinds:
        return True
    if uncovered_kind == "not_applicable":
        return False
    raise FactsValidationError(
        [
            f"unit.kind: {unit.kind!r} is not covered by rubric {compiled.rubric.id!r}, which "
            f"covers {', '.join(kinds)} (ask for not_applicable to score its rules not applicable)"
        ]
    )


def score(
    compiled: CompiledRubric,
    unit: Unit,
    year: int,
    prepared: Sequence[PreparedFact],
    matches: Iterable[Match],
    self_scores: Mapping[str, Decimal],
    library_version: str,
    uncovered_kind: UncoveredKind = "error",
) -> EvaluationResult:
    """Build the :class:`EvaluationResult` from the engine's matches."""
    covered = _covered(compiled, unit, uncovered_kind)
    by_position = {pf.index: pf for pf in prepared}
    matched: dict[str, set[int]] = defaultdict(set)
    for name, position in matches:
        matched[name].add(prepared[position].index)
    verdicts_by_indicator: dict[str, list[Verdict]] = defaultdict(list)
    evidence_refs = _Evidence()
    for rule in compiled.rules:
        evidence = [by_position[i] for i in sorted(matched[rule.evidence_name])]
        evidence = [pf for pf in evidence if _decides(rule, pf)]
        problems = [by_position[i] for i in sorted(matched[rule.problem_name])]
        problems = [pf for pf in problems if _decides(rule, pf)]
        verdict = _verdict(rule, unit, evidence, problems, evidence_refs, covered)
        verdicts_by_indicator[rule.indicator.code].append(verdict)

    rubric = compiled.rubric
    areas = []
    bonus = ZERO
    vetoed = False
    for area in rubric.areas:
        indicators = []
        for ind in area.indicators:
            verdicts = tuple(verdicts_by_indicator[ind.code])
            lost = sum((v.points for v in verdicts if v.effect is Effect.DEDUCTION), ZERO)
            bonus += sum((v.points for v in verdicts if v.effect is Effect.BONUS), ZERO)
            vetoed = vetoed or any(
                v.effect is Effect.VETO and v.status is Status.DEDUCTED for v in verdicts
            )
            cap = ind.points if ind.cap is None else ind.cap
            deducted = min(lost, cap)
            ind_score = ind.points - deducted
            ends = indicator_losses(verdicts, cap)
            own = self_scores.get(ind.code)
            indicators.append(
                IndicatorResult(
                    code=ind.code,
                    title=ind.title,
                    points=ind.points,
                    deducted=deducted,
                    score=ind_score,
                    verdicts=verdicts,
                    self_score=own,
                    self_score_gap=None if own is None else own - ind_score,
                    low=ind.points - ends.low,
                    high=ind.points - ends.high,
                )
            )
        area_cap = area.points if area.cap is None else area.cap
        area_lost = sum((i.deducted for i in indicators), ZERO)
        area_deducted = min(area_lost, area_cap)
        lost_low = min(sum((i.points - i.low for i in indicators), ZERO), area_cap)
        lost_high = min(sum((i.points - i.high for i in indicators), ZERO), area_cap)
        areas.append(
            AreaResult(
                code=area.code,
                title=area.title,
                points=area.points,
                deducted=area_deducted,
                score=area.points - area_deducted,
                indicators=tuple(indicators),
                low=area.points - lost_low,
                high=area.points - lost_high,
            )
        )
    bonus = min(bonus, rubric.bonus_cap)
    total = sum((a.score for a in areas), ZERO) + bonus
    every = [v for verdicts in verdicts_by_indicator.values() for v in verdicts]
    bonuses = bonus_ends(every, rubric.bonus_cap)
    ends = Ends(
        sum((a.low for a in areas), ZERO) + bonuses.low,
        sum((a.high for a in areas), ZERO) + bonuses.high,
    )
    scale = compiled.grading.scale_for(unit)
    grade = scale.grade(total, vetoed) if covered else None
    score_range = ScoreRange(
        low=ends.low,
        high=ends.high,
        low_grade=scale.grade(ends.low, vetoed or vetoed_low(every)) if covered else None,
        high_grade=scale.grade(ends.high, vetoed) if covered else None,
        evidence_share=evidence_share(rubric.points, ends),
    )
    held = None
    gate = compiled.evidence_gate
    if gate is not None and grade is not None:
        reason = gate.holds_back(
            grade, score_range.low_grade, score_range.high_grade, score_range.evidence_share
        )
        if reason is not None:
            held = GradeHeld(grade_by_total=grade, reason=reason)
            grade = gate.label
    numbers = {k: v for k, v in compiled.parameters.items() if isinstance(v, Decimal)}
    return EvaluationResult(
        unit=unit,
        region=rubric.region,
        year=year,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        library_version=library_version,
        points=rubric.points,
        total=total,
        bonus=bonus,
        vetoed=vetoed,
        grade=grade,
        areas=tuple(areas),
        parameters=numbers,
        range=score_range,
        grade_held=held,
        assumed_parameters=compiled.assumed_parameters,
        date_parameters={
            k: v for k, v in compiled.parameters.items() if not isinstance(v, Decimal)
        },
    )
