"""Rubrics as data: Rubric → Area (一级指标) → Indicator (二级指标) → Rule, with citations.

These classes hold a rubric as the compiler and the evaluation read it: every rule id in full,
every citation with its document, every rule's evidence and condition spelled out. A rubric
*file* may be shorter (a default citation document, ``check`` rules, relative ids: see
:mod:`govopen_rules.rubric.file_model`); :mod:`govopen_rules.rubric.expand` turns it into these.
Numbers may still be parameter references (``{param: name}``) and conditions are plain data;
:mod:`govopen_rules.rubric.compiler` resolves and checks them.

Enumerated strings are ``Literal`` types: cattrs refuses any other value when a file is read,
naming the field and the allowed values, and the JSON Schema lists them for editors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

import attrs

from govopen_rules.rubric.conditions import CheckOp

__all__ = [
    "Area",
    "Check",
    "Citation",
    "CohortPolicy",
    "ConditionData",
    "Count",
    "CountMode",
    "Deduction",
    "DeductionMode",
    "Evidence",
    "EvidenceGate",
    "Grade",
    "Group",
    "Indicator",
    "MissingEvidence",
    "MissingMode",
    "Number",
    "ParamRef",
    "Parameter",
    "Quota",
    "Rubric",
    "Rule",
    "Tier",
    "Ties",
    "UnitKind",
]

#: What a rule counts (see :class:`Count`).
CountMode = Literal["facts", "sum", "missing_values", "absent", "shortfall"]
#: How a count turns into points (see :class:`Deduction`).
DeductionMode = Literal["fixed", "per_unit", "veto", "bonus"]
#: What absent evidence decides (see :class:`MissingEvidence`).
MissingMode = Literal["undecided", "clear", "deduct", "fixed"]
#: What happens to units tied at a quota's boundary (see :class:`Quota`).
Ties = Literal["drop", "keep"]
#: The kinds of assessed unit (the same list as ``facts.model.UNIT_KINDS``).
UnitKind = Literal[
    "county_government", "park_committee", "department", "township", "city_government"
]
#: A condition as plain data in the grammar of :mod:`govopen_rules.rubric.conditions`.
ConditionData = Annotated[Any, "condition"]


@attrs.frozen(kw_only=True)
class ParamRef:
    """A number taken from the rubric's ``parameters``, which callers may override."""

    param: str


Number = Union[Decimal, ParamRef]  # noqa: UP007 - cattrs structures this union at runtime


@attrs.frozen(kw_only=True)
class Citation:
    """Where a rule or value comes from: the document, the clause, the sentence it encodes."""

    document: str
    clause: str
    quote: str = ""
    note: str = ""


@attrs.frozen(kw_only=True)
class Parameter:
    """A named value: a number, or a date (a deadline). ``assumed`` marks a value the source
    does not state. An override may not exceed what the rules using the value can deduct (a
    silent no-op) unless ``raises_cap`` says it raises the rule's cap."""

    value: Decimal | dt.date
    assumed: bool = False
    citation: Citation | None = None
    note: str = ""
    raises_cap: bool = False


@attrs.frozen(kw_only=True)
class Evidence:
    """Which facts a rule looks at: a fact kind and an optional condition on it."""

    kind: str
    where: ConditionData = None


@attrs.frozen(kw_only=True)
class Count:
    """What a rule counts among its matching facts.

    ``facts``: how many evidence facts meet ``when`` (per occurrence).
    ``sum``: the sum of the integer ``field`` over those facts (e.g. missing elements).
    ``missing_values``: how many of ``values`` no fact meeting ``when`` has in ``field``.
    ``absent``: 1 when no evidence fact meets ``when`` ("at least one ... is required").
    ``shortfall``: how many facts meeting ``when`` are missing to reach ``minimum``.
    """

    mode: CountMode = "facts"
    field: str | None = None
    values: tuple[str, ...] = ()
    minimum: Number | None = None


@attrs.frozen(kw_only=True)
class Tier:
    """From ``at_least`` counted items on, the deduction is ``points`` in all."""

    at_least: int
    points: Number


@attrs.frozen(kw_only=True)
class Deduction:
    """How a count turns into points.

    ``fixed``: ``points`` once; ``per_unit``: ``points`` per counted item, replaced by the
    highest tier reached; ``veto``: the unit fails whatever its score (单项否决); ``bonus``:
    ``points`` added (加分) once.
    """

    mode: DeductionMode
    points: Number = Decimal(0)
    tiers: tuple[Tier, ...] = ()


@attrs.frozen(kw_only=True)
class MissingEvidence:
    """What absent evidence decides, stated by a rule, an indicator, an area or the rubric (the
    nearest one stated applies).

    ``undecided``: the verdict is ``no_evidence`` and costs nothing; the score range and the
    evidence gate show what it could cost. ``clear``: absence is the good case (no 舆情 incident
    recorded means none happened). ``deduct``: absence costs what the rule deducts for one
    problem (需提供台账资料: no ledger, no credit). ``fixed``: absence costs ``points``.
    """

    mode: MissingMode
    points: Number | None = None
    note: str = ""
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class Check:
    """Shorthand for the commonest rule, {kind: K, field: F, <op>: V}: the K facts that state F
    are the evidence, and those whose F meets <op> V are problems.

    ``check: {kind: K, field: F, <op>: V}`` means exactly
    ``evidence: {kind: K, where: {field: F, exists: true}}`` and ``when: {field: F, <op>: V}``.
    """

    kind: str
    field: str
    op: CheckOp
    value: Any

    def evidence(self) -> Evidence:
        """The evidence this check stands for: facts of ``kind`` that state ``field``."""
        return Evidence(kind=self.kind, where={"field": self.field, "exists": True})

    def when(self) -> dict[str, Any]:
        """The condition this check stands for, as plain data."""
        return {"field": self.field, self.op: self.value}


@attrs.frozen(kw_only=True)
class Rule:
    """One row of a scoring standard: what is looked at, what is wrong, what it costs.

    ``check`` records that the rule was written with the shorthand (so errors point at what the
    author wrote); ``evidence`` and ``when`` always hold its meaning, and two rules that differ
    only in how they were written are equal.
    """

    id: str
    title: str
    message: str
    evidence: Evidence
    deduct: Deduction
    citation: Citation
    when: ConditionData = None
    count: Count = Count()
    cap: Number | None = None
    missing_evidence: MissingEvidence | None = None
    applies_to: tuple[UnitKind, ...] = ()
    check: Check | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Indicator:
    """二级指标: points, a cap on its total deduction (default: its points) and its rules."""

    code: str
    title: str
    points: Decimal
    rules: tuple[Rule, ...]
    cap: Decimal | None = None
    method: str = ""
    missing_evidence: MissingEvidence | None = None


@attrs.frozen(kw_only=True)
class Area:
    """一级指标."""

    code: str
    title: str
    points: Decimal
    indicators: tuple[Indicator, ...]
    cap: Decimal | None = None
    missing_evidence: MissingEvidence | None = None


@attrs.frozen(kw_only=True)
class EvidenceGate:
    """When a grade may be given on the evidence; otherwise the result shows ``label`` (待核实)
    with the score range.

    The grades in ``grades`` (default: every grade) stand only if each requirement given holds:
    ``low_end``: the range's low end (every ``no_evidence`` rule decided against the unit) has
    the same grade; ``high_end``: so has its high end; ``min_evidence_share``: at least this
    percentage of the rubric's points is decided by evidence.
    """

    grades: tuple[str, ...] = ()
    low_end: bool = False
    high_end: bool = False
    min_evidence_share: Number | None = None
    label: str = "待核实"
    note: str = ""
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class Grade:
    """A grade label reached from ``min_score`` upwards."""

    label: str
    min_score: Number


@attrs.frozen(kw_only=True)
class Group:
    """Units ranked and graded together (e.g. counties apart from departments).

    A unit belongs to the first group whose ``unit_kinds`` (and ``categories``, if given)
    include its kind (and category). ``grades`` overrides the rubric's grades for the group.
    """

    name: str
    unit_kinds: tuple[UnitKind, ...] = ()
    categories: tuple[str, ...] = ()
    grades: tuple[Grade, ...] = ()


@attrs.frozen(kw_only=True)
class Quota:
    """At most ``max_share`` percent of a group may hold grade ``label``.

    Units over the quota move down one grade, lowest ranked first. Units tied at the quota's
    boundary all move (``ties: drop``, the quota is never exceeded) or all stay
    (``ties: keep``); either way the cohort result carries a warning naming them.
    """

    label: str
    max_share: Number
    ties: Ties = "drop"


@attrs.frozen(kw_only=True)
class CohortPolicy:
    """How a cohort is grouped, ranked and tiered, and how shares are printed."""

    groups: tuple[Group, ...]
    quotas: tuple[Quota, ...] = ()
    share_decimals: int = 2


@attrs.frozen(kw_only=True)
class Rubric:
    """A region's rubric for one assessment year."""

    id: str
    region: str
    year: int
    version: str
    title: str
    points: Decimal
    source: Citation
    areas: tuple[Area, ...]
    unit_kinds: tuple[UnitKind, ...] = ()
    parameters: dict[str, Parameter] = attrs.field(factory=dict)
    grades: tuple[Grade, ...] = ()
    veto_grade: str | None = None
    bonus_cap: Decimal = Decimal(0)
    cohort: CohortPolicy | None = None
    #: The default for rules whose indicator and area state none (the file must state it).
    missing_evidence: MissingEvidence | None = None
    evidence_gate: EvidenceGate | None = None

    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule, in file order."""
        return tuple(rule for area in self.areas for ind in area.indicators for rule in ind.rules)
