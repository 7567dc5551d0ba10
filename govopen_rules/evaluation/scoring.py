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
import keyword
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import attrs

from govopen_rules.engines.protocol import Match
from govopen_rules.errors import FactsValidationError
from govopen_rules.evaluation.items import fact_label, listed_items
from govopen_rules.evaluation.ranges import (
    Ends,
    bonus_ends,
    evidence_share,
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
from govopen_rules.rubric.evidence_policy import ResolvedMissing, deduction_for

__all__ = ["PreparedFact", "UncoveredKind", "score"]

#: What to do with a unit whose kind the rubric's ``unit_kinds`` does not cover: refuse it
#: (naming the kinds covered), or score every rule ``not_applicable``.
UncoveredKind = Literal["error", "not_applicable"]

ZERO = Decimal(0)


class PreparedFact(NamedTuple):
    """A fact as the pipeline sees it: position in the file, typed, derived and encoded.

    A named tuple, not an attrs class: one is made per fact per evaluation."""

    #: The fact's position in the facts file (``facts[position]``).
    position: int
    kind: str
    fact: object
    derived: Mapping[str, object]
    encoded: Mapping[str, object]
    #: Provisional calendar years its derived measures were computed with.
    provisional: tuple[int, ...] = ()


def _display(value: object) -> str:
    shown = _DISPLAY.get(type(value))
    if shown is not None:
        return shown(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(_display(v) for v in value)
    return str(value)


#: How evidence shows a value of each common type (others: :func:`_display`'s checks).
_DISPLAY: dict[type, Callable[[Any], str]] = {
    str: str,
    bool: lambda value: "true" if value else "false",
    int: str,
    Decimal: str,
    dt.date: dt.date.isoformat,
    tuple: lambda value: "、".join(_display(v) for v in value),
}


_ShowValues = Callable[[object, Mapping[str, object]], dict[str, str]]
_SHOWN: dict[tuple[type, tuple[str, ...], tuple[str, ...]], _ShowValues] = {}


def _shown_values(
    cls: type, consulted: tuple[str, ...], measures: tuple[str, ...]
) -> _ShowValues:
    """The function that gives an evidence reference's values: each name once at its first
    place, of which fact it is (a name, a title), what the rule read, the measures derived
    from it (deadlines, delays), and where it was seen; a derived measure wins over the fact's
    field of the same name, and what was not observed is left out. Generated once per (fact
    class, fields read, measures derived), so that each value is read where it stands."""
    key = (cls, consulted, measures)
    found = _SHOWN.get(key)
    if found is not None:
        return found
    shown = dict.fromkeys((*identifying_fields(cls), *consulted, *measures, "source", "note"))
    # Fields that __init__ sets are always there; another may be unset (read with getattr).
    fields = {a.name for a in getattr(cls, "__attrs_attrs__", ()) if a.init}
    lines = ["def values(fact, derived):", "    out = {}"]
    for name in shown:
        if name in measures:
            read = f"derived[{name!r}]"
        elif name in fields and name.isidentifier() and not keyword.iskeyword(name):
            read = f"fact.{name}"
        else:
            read = f"getattr(fact, {name!r}, None)"
        lines += [
            f"    v = {read}",
            "    if v is not None:",
            f"        out[{name!r}] = v if type(v) is str else _display(v)",
        ]
    lines.append("    return out")
    names: dict[str, object] = {"_display": _display}
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<govopen_rules evidence {cls.__name__}>", "exec"), names)
    made: _ShowValues = names["values"]  # type: ignore[assignment]
    if len(_SHOWN) > 4096:
        _SHOWN.clear()
    _SHOWN[key] = made
    return made


@attrs.frozen
class _Seen:
    """What a rule's facts show: the count of problems, the evidence shown, the items listed,
    and the provisional calendar years behind them."""

    count: int
    evidence: tuple[EvidenceRef, ...]
    items: tuple[str, ...]
    more_items: int
    provisional: tuple[int, ...]


class _Evidence:
    """Evidence references and item labels for one evaluation, each built once per fact.

    Rules that read the same fields of the same fact share one immutable reference.
    """

    __slots__ = ("_labels", "_matched", "_prepared", "_refs", "_seen", "_selected")

    def __init__(self, prepared: Sequence[PreparedFact], matches: Iterable[Match]) -> None:
        self._prepared = prepared
        self._matched: dict[str, set[int]] = defaultdict(set)
        for name, position in matches:
            self._matched[name].add(position)
        self._selected: dict[str, list[PreparedFact]] = {}
        self._refs: dict[tuple[int, tuple[str, ...]], EvidenceRef] = {}
        self._labels: dict[int, str | None] = {}
        self._seen: dict[tuple[object, ...], _Seen | None] = {}

    def selected(self, name: str) -> list[PreparedFact]:
        """The facts a selection matched, in the facts file's order."""
        found = self._selected.get(name)
        if found is None:
            positions = self._matched.get(name)
            found = [self._prepared[i] for i in sorted(positions)] if positions else []
            self._selected[name] = found
        return found

    def seen(self, plan: _RulePlan) -> _Seen | None:
        """What the facts show for a rule (None: no evidence). Rules that select, filter,
        count and list the same facts share it."""
        key = plan.facts_key
        if key in self._seen:
            return self._seen[key]
        rule = plan.rule
        if rule.evidence_name not in self._matched:  # nothing selected: no evidence
            self._seen[key] = None
            return None
        evidence = self.selected(rule.evidence_name)
        problems = self.selected(rule.problem_name)
        read = plan.deadline_read
        if read is not None:
            evidence = [pf for pf in evidence if _states_any(pf, read)]
            problems = [pf for pf in problems if _states_any(pf, read)]
        found = None
        if evidence:
            n = _count(rule, problems)
            if n == 0:
                found = _Seen(0, self.for_rule(rule, evidence), (), 0, _provisional(evidence))
            else:
                shown = problems if plan.lists_problems else evidence
                items, more = listed_items(
                    rule, [(pf.fact, pf.derived) for pf in problems], self.label
                )
                found = _Seen(
                    n, self.for_rule(rule, shown), items, more, _provisional(evidence)
                )
        self._seen[key] = found
        return found

    def ref(self, pf: PreparedFact, consulted: tuple[str, ...]) -> EvidenceRef:
        key = (pf.position, consulted)
        found = self._refs.get(key)
        if found is None:
            # Which fact it is (a name, a title), what the rule read, the measures derived from
            # it (deadlines, delays), and where it was seen: enough to check the verdict by hand.
            fact, derived = pf.fact, pf.derived
            found = EvidenceRef(
                fact_index=pf.position,
                kind=pf.kind,
                values=_shown_values(type(fact), consulted, tuple(derived))(fact, derived),
                provisional_calendar_years=pf.provisional,
            )
            self._refs[key] = found
        return found

    def for_rule(
        self, rule: CompiledRule, facts: Sequence[PreparedFact]
    ) -> tuple[EvidenceRef, ...]:
        consulted = rule.consulted
        return tuple([self.ref(pf, consulted) for pf in facts])

    def label(self, fact: object) -> str | None:
        """How a finding's item list names this fact (facts live as long as the evaluation,
        so their identity is the key)."""
        key = id(fact)
        if key in self._labels:
            return self._labels[key]
        found = self._labels[key] = fact_label(fact)
        return found


def _states_any(pf: PreparedFact, read: frozenset[str]) -> bool:
    """Whether the fact states any of the deadline measures a rule reads."""
    derived = pf.derived
    for name in read:
        value = derived[name] if name in derived else getattr(pf.fact, name, None)
        if value is not None:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _compared(cond: Condition) -> frozenset[str] | None:
    """The fields a condition compares; None when it tests presence (``exists``) anywhere."""
    if isinstance(cond, Exists):
        return None
    if isinstance(cond, (All, Any_)):
        parts = [_compared(item) for item in cond.items]
        return None if None in parts else frozenset().union(*parts)  # type: ignore[arg-type]
    return frozenset({cond.field})


def _deadline_read(rule: CompiledRule, deadline_measures: frozenset[str]) -> frozenset[str] | None:
    """The deadline measures a rule's ``when`` compares, if it compares nothing else.

    A rule whose ``when`` compares only deadline measures (``late``, ``overdue``, a rubric
    deadline's ``NAME_late``: a date done against a date due) cannot decide on a fact whose due
    date is unknown, such as a submission without ``due_on``: that fact is no evidence for the
    rule, so a unit with only such facts gets ``no_evidence``, not ``clear``. A ``when`` that
    tests presence (``exists``) decides.
    """
    read = None if rule.when is None else _compared(rule.when)
    return read if read and read <= deadline_measures else None


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


_EFFECTS = {"veto": Effect.VETO, "bonus": Effect.BONUS}


class _RulePlan:
    """What scoring needs of one rule, worked out once per compiled rubric: the parts of its
    verdict that no fact changes, and the verdicts that no fact can change at all (not
    applicable, decided by the missing-evidence policy). Verdicts are frozen, so those are
    shared by every evaluation."""

    __slots__ = (
        "applies_to",
        "by_count",
        "deadline_read",
        "facts_key",
        "fixed",
        "lists_problems",
        "no_evidence",
        "not_covered",
        "out_of_scope",
        "rule",
    )

    def __init__(self, rule: CompiledRule, deadline_measures: frozenset[str]) -> None:
        self.rule = rule
        self.deadline_read = _deadline_read(rule, deadline_measures)
        self.applies_to = frozenset(rule.rule.applies_to)
        self.lists_problems = rule.rule.count.mode in ("facts", "sum", "shortfall")
        count = rule.rule.count
        # Everything that decides what the facts show for this rule (see ``_Evidence.seen``).
        self.facts_key = (
            rule.evidence_name,
            rule.problem_name,
            self.deadline_read,
            rule.consulted,
            (count.mode, count.field, count.values, rule.minimum),
            rule.rule.items,
        )
        self.fixed: dict[str, object] = {
            "rule_id": rule.rule.id,
            "title": rule.rule.title,
            "indicator": rule.indicator.code,
            "effect": _EFFECTS.get(rule.rule.deduct.mode, Effect.DEDUCTION),
            "citation": rule.rule.citation,
            "assumptions": rule.assumptions,
            "baseline": rule.rule.include,
        }
        self.not_covered: dict[str, Verdict] = {}
        self.by_count: dict[int, tuple[Decimal, str]] = {}
        scope = ", ".join(rule.rule.applies_to)
        self.out_of_scope = self._verdict(
            Status.NOT_APPLICABLE, ZERO, f"不适用 (applies to {scope} only)"
        )
        missing = rule.missing
        note = f"：{missing.note}" if missing.note else ""
        if missing.mode == "clear":
            self.no_evidence = self._verdict(
                Status.CLEAR, ZERO, f"未发现问题 (nothing recorded){note}", policy=missing
            )
        else:
            message = f"缺少证据 (no {rule.rule.evidence.kind} fact{_stating(rule)}){note}"
            self.no_evidence = self._verdict(
                Status.NO_EVIDENCE,
                missing.points,
                message,
                policy=missing,
                at_stake=max(missing.points, rule.at_most),
            )

    def _verdict(
        self,
        status: Status,
        points: Decimal,
        message: str,
        policy: ResolvedMissing | None = None,
        at_stake: Decimal | None = None,
    ) -> Verdict:
        return Verdict(
            status=status,
            points=points,
            count=0,
            message=message,
            policy=policy,
            at_stake=at_stake,
            **self.fixed,  # type: ignore[arg-type]
        )

    def uncovered(self, unit_kind: str) -> Verdict:
        """The verdict when the rubric does not cover the unit's kind."""
        found = self.not_covered.get(unit_kind)
        if found is None:
            found = self._verdict(
                Status.NOT_APPLICABLE, ZERO, f"不适用 (the rubric does not cover {unit_kind})"
            )
            self.not_covered[unit_kind] = found
        return found

    def charged(self, n: int) -> tuple[Decimal, str]:
        """What ``n`` problems cost and how the verdict says so: worked out once per count."""
        found = self.by_count.get(n)
        if found is None:
            rule = self.rule
            points = deduction_for(rule.rule.deduct.mode, rule.points, rule.tiers, rule.cap, n)
            found = (points, rule.rule.message.format(count=n))
            if len(self.by_count) < 64:  # counts are small; a stray large one is not kept
                self.by_count[n] = found
        return found

    def decide(self, unit: Unit, observed: _Evidence) -> Verdict:
        """The verdict on what the engine matched."""
        if self.applies_to and unit.kind not in self.applies_to:
            return self.out_of_scope
        seen = observed.seen(self)
        if seen is None:
            return self.no_evidence
        n = seen.count
        if n == 0:
            return Verdict(
                status=Status.CLEAR,
                points=ZERO,
                count=0,
                message="未发现问题 (clear)",
                evidence=seen.evidence,
                provisional_calendar_years=seen.provisional,
                **self.fixed,  # type: ignore[arg-type]
            )
        points, message = self.charged(n)
        return Verdict(
            status=Status.DEDUCTED,
            points=points,
            count=n,
            message=message,
            evidence=seen.evidence,
            items=seen.items,
            more_items=seen.more_items,
            provisional_calendar_years=seen.provisional,
            **self.fixed,  # type: ignore[arg-type]
        )


def _provisional(facts: Sequence[PreparedFact]) -> tuple[int, ...]:
    years = [year for pf in facts for year in pf.provisional]
    return tuple(sorted(set(years))) if years else ()


_PLANS: dict[int, tuple[_RulePlan, ...]] = {}


def _plans(compiled: CompiledRubric) -> tuple[_RulePlan, ...]:
    """The rule plans of a compiled rubric, made at its first evaluation and dropped with it."""
    key = id(compiled)
    found = _PLANS.get(key)
    if found is None:
        measures = DEADLINE_MEASURES | compiled.late_measures
        found = tuple(_RulePlan(rule, measures) for rule in compiled.rules)
        _PLANS[key] = found
        weakref.finalize(compiled, _PLANS.pop, key, None)
    return found


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
    *,
    engine: str = "durable",
) -> EvaluationResult:
    """Build the :class:`EvaluationResult` from the engine's matches (``engine`` names the
    engine that found them)."""
    covered = _covered(compiled, unit, uncovered_kind)
    verdicts_by_indicator: dict[str, list[Verdict]] = defaultdict(list)
    observed = _Evidence(prepared, matches)
    for plan in _plans(compiled):
        verdict = plan.decide(unit, observed) if covered else plan.uncovered(unit.kind)
        verdicts_by_indicator[plan.rule.indicator.code].append(verdict)

    rubric = compiled.rubric
    areas = []
    bonus = ZERO
    vetoed = False
    for area in rubric.areas:
        indicators = []
        for ind in area.indicators:
            verdicts = tuple(verdicts_by_indicator[ind.code])
            # One pass: what the indicator loses, at the total and at each end of the range
            # (see :mod:`.ranges`), what it earns in bonus, and whether it vetoes.
            lost = low_lost = high_lost = ZERO
            for v in verdicts:
                if v.effect is Effect.DEDUCTION:
                    if v.status is Status.DEDUCTED:
                        lost += v.points
                        low_lost += v.points
                        high_lost += v.points
                    elif v.status is Status.NO_EVIDENCE:
                        lost += v.points
                        low_lost += max(v.points, v.at_stake or ZERO)
                elif v.effect is Effect.BONUS:
                    bonus += v.points
                elif v.status is Status.DEDUCTED:
                    vetoed = True
            points = ind.points
            cap = points if ind.cap is None else ind.cap
            deducted = lost if lost <= cap else cap
            ind_score = points - deducted
            own = self_scores.get(ind.code)
            indicators.append(
                IndicatorResult(
                    code=ind.code,
                    title=ind.title,
                    points=points,
                    deducted=deducted,
                    score=ind_score,
                    verdicts=verdicts,
                    self_score=own,
                    self_score_gap=None if own is None else own - ind_score,
                    low=points - (low_lost if low_lost <= cap else cap),
                    high=points - (high_lost if high_lost <= cap else cap),
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
        engine=engine,
        provisional_calendar_years=_provisional(prepared),
    )
