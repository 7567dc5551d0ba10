"""A rubric file as its author writes it: shorter than the model it expands into.

Three things may be left implicit, and :mod:`govopen_rules.rubric.expand` fills them in:

- a citation's ``document``, when it is the rubric's ``citation_document`` (by default the
  ``source`` document);
- a rule's ``evidence`` and ``when``, when ``check`` says both in one line;
- a rule id's region and indicator, when the id starts with a dot (``.overdue`` under indicator
  ``A1`` of region ``qujing`` is ``qujing.a1.overdue``).

The classes below differ from :mod:`govopen_rules.rubric.model` only there; the other parts
(deductions, counts, grades, cohorts) are the model's own classes. Each field's ``doc`` metadata
is its description in the generated JSON Schema (what an editor shows on hover).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from govopen_rules.rubric.model import (
    Check,
    Citation,
    CohortPolicy,
    ConditionData,
    Count,
    Deduction,
    Evidence,
    Grade,
    MissingMode,
    Number,
    UnitKind,
)

__all__ = [
    "AreaEntry",
    "CitationEntry",
    "EvidenceGateEntry",
    "IndicatorEntry",
    "MissingEvidenceEntry",
    "ParameterEntry",
    "RubricFile",
    "RuleEntry",
]


def _doc(text: str) -> dict[str, str]:
    """Field metadata: the field's description in the JSON Schema."""
    return {"doc": text}


@attrs.frozen(kw_only=True)
class CitationEntry:
    """Where a rule or value comes from: the clause, the sentence it encodes, and the document
    when it is not the rubric's ``citation_document``."""

    clause: str = attrs.field(
        metadata=_doc("The article, item or column cited, e.g. 第2项 评分标准.")
    )
    document: str | None = attrs.field(
        default=None, metadata=_doc("The document; default: the rubric's citation_document.")
    )
    quote: str = attrs.field(default="", metadata=_doc("The sentence this encodes, verbatim."))
    note: str = attrs.field(
        default="", metadata=_doc("How the sentence is read, where that is not obvious.")
    )


@attrs.frozen(kw_only=True)
class ParameterEntry:
    """A named number (or date) that rules refer to as {param: name}; callers may override it."""

    value: Decimal | dt.date = attrs.field(
        metadata=_doc("A number, or a date (YYYY-MM-DD) for a deadline a condition compares with.")
    )
    assumed: bool = attrs.field(
        default=False, metadata=_doc("The source does not state this value: say why in note.")
    )
    citation: CitationEntry | None = None
    note: str = ""
    raises_cap: bool = attrs.field(
        default=False,
        metadata=_doc(
            "An override above the cap of a rule using this value raises that cap (never above "
            "the indicator's points); without it such an override is an error."
        ),
    )


@attrs.frozen(kw_only=True)
class MissingEvidenceEntry:
    """What absent evidence decides: undecided (no_evidence, no points: the score range shows
    it), clear (absence is the good case), deduct (what the rule deducts for one problem) or
    fixed (points)."""

    mode: MissingMode
    points: Number | None = attrs.field(default=None, metadata=_doc("With mode fixed only."))
    note: str = ""
    citation: CitationEntry | None = attrs.field(
        default=None,
        metadata=_doc("Where the source says so (需提供台账资料); required for deduct and fixed."),
    )


@attrs.frozen(kw_only=True)
class EvidenceGateEntry:
    """When a grade may be given on the evidence; otherwise the label (待核实) is shown with the
    score range. Each requirement given must hold for the grades listed (default: all)."""

    grades: tuple[str, ...] = attrs.field(
        default=(), metadata=_doc("The grades gated (default: every grade).")
    )
    low_end: bool = attrs.field(
        default=False,
        metadata=_doc("The range's low end (no_evidence decided against) has the same grade."),
    )
    high_end: bool = attrs.field(
        default=False,
        metadata=_doc("The range's high end (no_evidence decided for) has the same grade."),
    )
    min_evidence_share: Number | None = attrs.field(
        default=None,
        metadata=_doc("At least this percentage of the rubric's points is decided by evidence."),
    )
    label: str = attrs.field(default="待核实", metadata=_doc("What is shown instead."))
    note: str = ""
    citation: CitationEntry | None = None


@attrs.frozen(kw_only=True)
class RuleEntry:
    """One row of the scoring standard: what is looked at, what is wrong, what it costs.

    Give either ``check`` or ``evidence`` (with an optional ``when``)."""

    id: str = attrs.field(
        metadata=_doc(
            "Dotted lower-case ASCII id, unique. A leading dot makes it relative: "
            ".late under indicator A1 of region qujing is qujing.a1.late."
        )
    )
    title: str
    message: str = attrs.field(
        metadata=_doc("What the verdict says; {count} is the only placeholder.")
    )
    deduct: Deduction
    citation: CitationEntry
    check: Check | None = attrs.field(
        default=None,
        metadata=_doc(
            "{kind: K, field: F, <op>: V}: the K facts stating F are the evidence, and those whose "
            "F meets <op> V are problems. Replaces evidence and when."
        ),
    )
    evidence: Evidence | None = attrs.field(
        default=None, metadata=_doc("Which facts the rule looks at (unless check is given).")
    )
    when: ConditionData = attrs.field(
        default=None, metadata=_doc("Which evidence facts are problems (default: all of them).")
    )
    count: Count = attrs.field(factory=Count)
    cap: Number | None = attrs.field(default=None, metadata=_doc("The most this rule may deduct."))
    missing_evidence: MissingEvidenceEntry | None = attrs.field(
        default=None, metadata=_doc("What absent evidence decides for this rule.")
    )
    applies_to: tuple[UnitKind, ...] = attrs.field(
        default=(), metadata=_doc("Unit kinds the rule applies to (default: all).")
    )


@attrs.frozen(kw_only=True)
class IndicatorEntry:
    """二级指标: its points, a cap on its total deduction (default: its points), its rules."""

    code: str = attrs.field(
        metadata=_doc("The indicator's code, e.g. A1; relative rule ids start with it.")
    )
    title: str
    points: Decimal
    rules: tuple[RuleEntry, ...]
    cap: Decimal | None = None
    method: str = attrs.field(
        default="", metadata=_doc("How the assessor checks it (查验方法), e.g. 网址.")
    )
    missing_evidence: MissingEvidenceEntry | None = attrs.field(
        default=None, metadata=_doc("What absent evidence decides for this indicator's rules.")
    )


@attrs.frozen(kw_only=True)
class AreaEntry:
    """一级指标: its indicators add up to its points."""

    code: str
    title: str
    points: Decimal
    indicators: tuple[IndicatorEntry, ...]
    cap: Decimal | None = None
    missing_evidence: MissingEvidenceEntry | None = attrs.field(
        default=None, metadata=_doc("What absent evidence decides for this area's rules.")
    )


@attrs.frozen(kw_only=True)
class RubricFile:
    """A govopen-rules rubric: a region's scoring table for one assessment year."""

    id: str = attrs.field(metadata=_doc("Stable id, recorded in every result."))
    region: str = attrs.field(
        metadata=_doc("The region, lower-case ASCII; the first part of every rule id.")
    )
    year: int
    version: str = attrs.field(metadata=_doc("Bump it whenever the file changes."))
    title: str
    points: Decimal = attrs.field(metadata=_doc("The full score; the areas add up to it."))
    source: Citation
    areas: tuple[AreaEntry, ...]
    citation_document: str | None = attrs.field(
        default=None,
        metadata=_doc(
            "The document a citation names when it names none (default: source.document)."
        ),
    )
    unit_kinds: tuple[UnitKind, ...] = ()
    parameters: dict[str, ParameterEntry] = attrs.field(factory=dict)
    grades: tuple[Grade, ...] = ()
    veto_grade: str | None = attrs.field(
        default=None, metadata=_doc("The grade of a unit that a veto rule failed.")
    )
    bonus_cap: Decimal = attrs.field(
        default=Decimal(0), metadata=_doc("The most that bonus rules may add.")
    )
    cohort: CohortPolicy | None = None
    missing_evidence: MissingEvidenceEntry | None = attrs.field(
        default=None,
        metadata=_doc(
            "Required: what absent evidence decides where no rule, indicator or area says."
        ),
    )
    evidence_gate: EvidenceGateEntry | None = None
