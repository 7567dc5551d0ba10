"""Mutants of a compiled rubric: the same rubric with one number changed, made in memory.

What changes:

* a condition's threshold ±1 in its unit (a count, a working day, a calendar day, a percentage
  point; a decimal threshold written with decimals moves by its last decimal place), and the
  operators ``lt``↔``le``, ``gt``↔``ge``;
* a deduction, a tier's count and points, a cap (rule, indicator, area, bonus), a shortfall's
  minimum, a missing-evidence cost and a grade line ± one step of the rubric's precision (the
  finest decimal place among its amounts: 0.1 when it deducts 0.5 and 0.2).

A change that would make an amount negative, or that the compiler would refuse (tiers out of
order, an indicator's cap above its points, a cost on a ``clear`` absence), is not a mutant.
Every change is an :func:`attrs.evolve` of the frozen :class:`CompiledRubric`: nothing is
written to the plugin. A change is kept as a delta, so it applies to a rubric compiled with a
case's parameter overrides too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, Protocol

import attrs

from govopen_rules.facts.encoding import DECIMAL_SCALE
from govopen_rules.facts.kinds import FactKind, FieldType
from govopen_rules.rubric.compiler import CompiledRubric, CompiledRule, Selection
from govopen_rules.rubric.conditions import All, Any_, Compare, CompareOp, Condition
from govopen_rules.rubric.grades import GradeScale
from govopen_rules.rubric.model import Citation, Grade, ParamRef, Rubric

__all__ = ["Applied", "Edit", "Mutant", "generate_mutants", "rubric_step"]

ZERO = Decimal(0)
_SYMBOLS: dict[str, str] = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_SWAPS: dict[str, CompareOp] = {"lt": "le", "le": "lt", "gt": "ge", "ge": "gt"}
_NUMBERS = (FieldType.INT, FieldType.DECIMAL, FieldType.DATE)
#: Names of the selections a condition mutant adds (the compiler names its own m0, m1, ...).
_EVIDENCE, _PROBLEM = "mutant-evidence", "mutant-problem"


@attrs.frozen
class Applied:
    """A mutated rubric and the selections it added (the only ones to match again)."""

    compiled: CompiledRubric
    added: Mapping[str, Selection] = attrs.field(factory=dict)


class Edit(Protocol):
    """One change; ``apply`` gives None where the change is not valid (an amount that a case's
    parameter overrides would make negative, tiers out of order)."""

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        """The rubric with this change, or None."""
        ...


def _rule_at(compiled: CompiledRubric, rule_id: str) -> tuple[int, CompiledRule]:
    return next((i, r) for i, r in enumerate(compiled.rules) if r.rule.id == rule_id)


def _with_rule(compiled: CompiledRubric, index: int, rule: CompiledRule) -> CompiledRubric:
    return attrs.evolve(
        compiled, rules=(*compiled.rules[:index], rule, *compiled.rules[index + 1 :])
    )


@attrs.frozen
class RuleAmount:
    """A rule's deduction (``points``), ``cap`` or missing-evidence cost ± ``delta``."""

    rule_id: str
    name: Literal["points", "cap", "missing_points"]
    delta: Decimal

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        index, rule = _rule_at(compiled, self.rule_id)
        if self.name == "missing_points":
            old = _missing_cost(rule)
            if old is None or old + self.delta < 0:
                return None  # only a policy that costs points (deduct, fixed) has an amount
            missing = attrs.evolve(rule.missing, points=old + self.delta)
            return Applied(_with_rule(compiled, index, attrs.evolve(rule, missing=missing)))
        current: Decimal | None = getattr(rule, self.name)
        if current is None or current + self.delta < 0:
            return None
        changed: dict[str, Any] = {self.name: current + self.delta}
        return Applied(_with_rule(compiled, index, attrs.evolve(rule, **changed)))


def _missing_cost(rule: CompiledRule) -> Decimal | None:
    """What the rule's missing-evidence policy charges, where it charges (deduct, fixed)."""
    return rule.missing.points if rule.missing.mode in ("deduct", "fixed") else None


@attrs.frozen
class ShortfallMinimum:
    """A ``shortfall`` rule's minimum ± ``delta`` (at least 1)."""

    rule_id: str
    delta: int

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        index, rule = _rule_at(compiled, self.rule_id)
        if rule.minimum is None or rule.minimum + self.delta < 1:
            return None
        mutated = attrs.evolve(rule, minimum=rule.minimum + self.delta)
        return Applied(_with_rule(compiled, index, mutated))


@attrs.frozen
class TierChange:
    """A tier's ``at_least`` ± ``count_delta`` or its points ± ``points_delta``."""

    rule_id: str
    index: int
    count_delta: int = 0
    points_delta: Decimal = ZERO

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        index, rule = _rule_at(compiled, self.rule_id)
        tiers = list(rule.tiers)
        at_least, points = tiers[self.index]
        tiers[self.index] = (at_least + self.count_delta, points + self.points_delta)
        counts = [count for count, _ in tiers]
        if counts[0] < 1 or counts != sorted(set(counts)) or tiers[self.index][1] < 0:
            return None
        return Applied(_with_rule(compiled, index, attrs.evolve(rule, tiers=tuple(tiers))))


def _replace_leaf(
    cond: Condition, path: Sequence[int], change: Callable[[Compare], Compare]
) -> Condition:
    if not path:
        assert isinstance(cond, Compare)
        return change(cond)
    assert isinstance(cond, (All, Any_))
    items = list(cond.items)
    items[path[0]] = _replace_leaf(items[path[0]], path[1:], change)
    return attrs.evolve(cond, items=tuple(items))


@attrs.frozen
class ConditionChange:
    """The comparison at ``path`` in a rule's ``where`` or ``when`` with operator ``op`` and its
    value ± ``delta`` (encoded: a count, a day ordinal, decimal millionths)."""

    rule_id: str
    part: Literal["where", "when"]
    path: tuple[int, ...]
    op: CompareOp
    delta: int = 0

    def _change(self, leaf: Compare) -> Compare:
        assert isinstance(leaf.value, int) and not isinstance(leaf.value, bool)
        return Compare(leaf.field, self.op, leaf.value + self.delta)

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        index, rule = _rule_at(compiled, self.rule_id)
        where, when = rule.where, rule.when
        if self.part == "where":
            assert where is not None
            where = _replace_leaf(where, self.path, self._change)
        else:
            assert when is not None
            when = _replace_leaf(when, self.path, self._change)
        # The mutated rule gets selections of its own; rules sharing the old ones keep them.
        kind = rule.rule.evidence.kind
        base = () if where is None else (where,)
        added = {_EVIDENCE: Selection(kind, base)}
        if when is not None:
            added[_PROBLEM] = Selection(kind, (*base, when))
        mutated = attrs.evolve(
            rule,
            where=where,
            when=when,
            evidence_name=_EVIDENCE,
            problem_name=_PROBLEM if when is not None else _EVIDENCE,
        )
        compiled = _with_rule(compiled, index, mutated)
        return Applied(attrs.evolve(compiled, selections={**compiled.selections, **added}), added)


@attrs.frozen
class CapChange:
    """An indicator's or an area's own cap ± ``delta`` (within 0 and its points)."""

    level: Literal["indicator", "area"]
    code: str
    delta: Decimal

    def _capped(self, item: Any) -> Any:
        """``item`` (an area or an indicator) with its cap moved; None when out of range."""
        if item.cap is None or not ZERO <= item.cap + self.delta <= item.points:
            return None
        return attrs.evolve(item, cap=item.cap + self.delta)

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        areas = []
        for area in compiled.rubric.areas:
            changed: Any = area
            if self.level == "area" and area.code == self.code:
                changed = self._capped(area)
            elif self.level == "indicator" and any(i.code == self.code for i in area.indicators):
                inds = [self._capped(i) if i.code == self.code else i for i in area.indicators]
                changed = None if None in inds else attrs.evolve(area, indicators=tuple(inds))
            if changed is None:
                return None
            areas.append(changed)
        rubric = attrs.evolve(compiled.rubric, areas=tuple(areas))
        return Applied(attrs.evolve(compiled, rubric=rubric))


@attrs.frozen
class BonusCap:
    """The rubric's bonus cap ± ``delta``."""

    delta: Decimal

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        cap = compiled.rubric.bonus_cap + self.delta
        if cap < 0:
            return None
        return Applied(attrs.evolve(compiled, rubric=attrs.evolve(compiled.rubric, bonus_cap=cap)))


@attrs.frozen
class GradeLine:
    """A grade's minimum score ± ``delta`` in the rubric's scale (``group`` None) or a group's
    own; groups without grades of their own share the rubric's scale and move with it."""

    group: str | None
    label: str
    delta: Decimal

    def apply(self, compiled: CompiledRubric) -> Applied | None:
        grading = compiled.grading
        old = grading.scale
        if self.group is not None:
            old = next(g.scale for g in grading.groups if g.name == self.group)
        lines = dict(old.thresholds)
        moved = lines[self.label] + self.delta
        if moved < 0 or moved in lines.values():
            return None
        lines[self.label] = moved
        new = attrs.evolve(old, thresholds=tuple(lines.items()))
        groups = tuple(attrs.evolve(g, scale=new) if g.scale is old else g for g in grading.groups)
        scale = new if grading.scale is old else grading.scale
        return Applied(
            attrs.evolve(compiled, grading=attrs.evolve(grading, scale=scale, groups=groups))
        )


# --- generating mutants --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Mutant:
    """One changed number: what it belongs to, the change in words, the clause it encodes."""

    rubric_id: str
    #: A rule id, ``indicator A1``, ``area A``, ``grades``, ``grades of <group>``, ``bonus cap``.
    subject: str
    change: str
    clause: str
    edit: Edit
    #: The expectations the change can alter: ``verdict:<rule id>``, ``indicator:<code>``,
    #: ``total``, ``grade``, ``vetoed``. Only cases that expect one of them need to run.
    reads: frozenset[str]


def rubric_step(compiled: CompiledRubric) -> Decimal:
    """One step of the rubric's precision: the finest decimal place among its amounts."""
    rubric = compiled.rubric
    amounts: list[Decimal | None] = [rubric.points, rubric.bonus_cap]
    for area in rubric.areas:
        amounts += [area.points, area.cap]
        amounts += [n for ind in area.indicators for n in (ind.points, ind.cap)]
    for rule in compiled.rules:
        amounts += [rule.points, rule.cap, _missing_cost(rule), *(p for _, p in rule.tiers)]
    for scale in (compiled.grading.scale, *(g.scale for g in compiled.grading.groups)):
        amounts += [line for _, line in scale.thresholds]
    places = 0
    for amount in amounts:
        if amount is not None and not amount.is_zero():
            exponent = amount.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            places = max(places, -exponent)
    return Decimal(1).scaleb(-places)


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _decoded(value: int, ftype: FieldType) -> str:
    if ftype is FieldType.DATE:
        return dt.date.fromordinal(value).isoformat()
    if ftype is FieldType.DECIMAL:
        return _shown(Decimal(value) / DECIMAL_SCALE)
    return str(value)


def _unit_step(value: int, ftype: FieldType) -> int:
    """1 in the field's unit: a count, a day; for a decimal 1, or its last decimal place."""
    if ftype is not FieldType.DECIMAL:
        return 1
    step = DECIMAL_SCALE
    while value % step:
        step //= 10
    return step


def _leaves(
    cond: Condition, path: tuple[int, ...] = ()
) -> Iterator[tuple[tuple[int, ...], Compare]]:
    if isinstance(cond, (All, Any_)):
        for i, item in enumerate(cond.items):
            yield from _leaves(item, (*path, i))
    elif isinstance(cond, Compare):
        yield path, cond


def _cites(citation: Citation) -> str:
    return f"{citation.document} {citation.clause}"


def _rule_changes(
    rule: CompiledRule, step: Decimal, kinds: Mapping[str, FactKind]
) -> Iterator[tuple[Edit, str]]:
    """Every change to one rule's numbers, with the change in words."""
    rid = rule.rule.id
    mode = rule.rule.deduct.mode
    amounts: list[tuple[Literal["points", "cap", "missing_points"], str, Decimal | None]] = [
        ("points", mode, None if mode == "veto" else rule.points),  # a veto costs no points
        ("cap", "cap", rule.cap),
        ("missing_points", "missing evidence", _missing_cost(rule)),
    ]
    for name, label, old in amounts:
        if old is None:
            continue
        for delta in (-step, step):
            yield RuleAmount(rid, name, delta), f"{label} {_shown(old)} → {_shown(old + delta)}"
    for i, (at_least, points) in enumerate(rule.tiers):
        for count in (-1, 1):
            yield TierChange(rid, i, count), f"tier at_least {at_least} → {at_least + count}"
        for delta in (-step, step):
            now = f"{_shown(points)} → {_shown(points + delta)}"
            yield TierChange(rid, i, points_delta=delta), f"tier at_least {at_least}: {now}"
    if rule.minimum is not None:
        for count in (-1, 1):
            yield ShortfallMinimum(rid, count), f"minimum {rule.minimum} → {rule.minimum + count}"
    fields = kinds[rule.rule.evidence.kind].all_fields()
    parts: tuple[tuple[Literal["where", "when"], Condition | None], ...] = (
        ("where", rule.where),
        ("when", rule.when),
    )
    for part, cond in parts:
        if cond is None:
            continue
        for path, leaf in _leaves(cond):
            ftype = fields[leaf.field]
            if ftype not in _NUMBERS or leaf.op not in _SYMBOLS or isinstance(leaf.value, bool):
                continue
            assert isinstance(leaf.value, int)
            value, symbol = leaf.value, _SYMBOLS[leaf.op]
            was = f"{part} {leaf.field} {symbol} {_decoded(value, ftype)}"
            step_ = _unit_step(value, ftype)
            for shift in (-step_, step_):
                now = f"{symbol} {_decoded(value + shift, ftype)}"
                yield ConditionChange(rid, part, path, leaf.op, shift), f"{was} → {now}"
            swapped = _SWAPS.get(leaf.op)
            if swapped is not None:
                now = f"{_SYMBOLS[swapped]} {_decoded(value, ftype)}"
                yield ConditionChange(rid, part, path, swapped), f"{was} → {now}"


def _rubric_changes(
    compiled: CompiledRubric, step: Decimal
) -> Iterator[tuple[str, Edit, str, str, set[str]]]:
    """Changes to indicator and area caps, the bonus cap and grade lines: (subject, edit,
    change, clause, expectations it can alter). A cap cites its indicator's first rule."""
    rubric = compiled.rubric
    clause_of: dict[str, str] = {}
    for rule in reversed(compiled.rules):
        clause_of[rule.indicator.code] = _cites(rule.rule.citation)
    caps: list[tuple[Literal["indicator", "area"], str, Decimal | None, str, set[str]]] = []
    for area in rubric.areas:
        first = next((clause_of[i.code] for i in area.indicators if i.code in clause_of), "")
        caps.append(("area", area.code, area.cap, first, {"total", "grade"}))
        caps += [
            ("indicator", i.code, i.cap, clause_of.get(i.code, ""), {f"indicator:{i.code}"})
            for i in area.indicators
        ]
    for level, code, cap, clause, reads in caps:
        if cap is None:
            continue
        for delta in (-step, step):
            now = f"cap {_shown(cap)} → {_shown(cap + delta)}"
            edit = CapChange(level, code, delta)
            yield f"{level} {code}", edit, now, clause, reads | {"total", "grade"}
    if any(r.rule.deduct.mode == "bonus" for r in compiled.rules):
        for delta in (-step, step):
            now = f"{_shown(rubric.bonus_cap)} → {_shown(rubric.bonus_cap + delta)}"
            yield "bonus cap", BonusCap(delta), now, _cites(rubric.source), {"total", "grade"}
    grading = compiled.grading
    declared = {g.name: g.grades for g in rubric.cohort.groups} if rubric.cohort else {}
    scales: list[tuple[str | None, GradeScale, Iterable[Grade]]] = [
        (None, grading.scale, rubric.grades)
    ]
    scales += [
        (g.name, g.scale, declared.get(g.name, ()))
        for g in grading.groups
        if g.scale is not grading.scale
    ]
    for group, scale, grades in scales:
        subject = "grades" if group is None else f"grades of {group}"
        written = {g.label: g.min_score for g in grades}
        for label, line in scale.thresholds:
            clause = _grade_clause(rubric, written.get(label))
            for delta in (-step, step):
                now = f"{label} from {_shown(line)} → {_shown(line + delta)}"
                yield subject, GradeLine(group, label, delta), now, clause, {"grade"}


def _grade_clause(rubric: Rubric, min_score: object) -> str:
    """A cited parameter's clause when the line is one, else the rubric's source."""
    if isinstance(min_score, ParamRef):
        citation = rubric.parameters[min_score.param].citation
        if citation is not None:
            return _cites(citation)
    return _cites(rubric.source)


def generate_mutants(compiled: CompiledRubric, kinds: Mapping[str, FactKind]) -> list[Mutant]:
    """Every mutant of a compiled rubric: rules in file order, then caps and grade lines."""
    step = rubric_step(compiled)
    mutants: list[Mutant] = []

    def keep(edit: Edit, subject: str, change: str, clause: str, reads: Iterable[str]) -> None:
        if edit.apply(compiled) is not None:  # valid on the rubric as shipped
            mutant = Mutant(
                rubric_id=compiled.rubric.id,
                subject=subject,
                change=change,
                clause=clause,
                edit=edit,
                reads=frozenset(reads),
            )
            mutants.append(mutant)

    for rule in compiled.rules:
        rid = rule.rule.id
        reads = {f"verdict:{rid}", f"indicator:{rule.indicator.code}", "total", "grade", "vetoed"}
        for edit, change in _rule_changes(rule, step, kinds):
            keep(edit, rid, change, _cites(rule.rule.citation), reads)
    for subject, edit, change, clause, reads in _rubric_changes(compiled, step):
        keep(edit, subject, change, clause, reads)
    return mutants
