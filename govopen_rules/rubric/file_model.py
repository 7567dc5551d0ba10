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
    MissingEvidence,
    Number,
    UnitKind,
)

__all__ = [
    "AreaEntry",
    "CitationEntry",
    "IndicatorEntry",
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
    """A named number that rules refer to as {param: name}; callers may override it."""

    value: Decimal
    assumed: bool = attrs.field(
        default=False, metadata=_doc("The source does not state this value: say why in note.")
    )
    citation: CitationEntry | None = None
    note: str = ""


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
    missing_evidence: MissingEvidence | None = None
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


@attrs.frozen(kw_only=True)
class AreaEntry:
    """一级指标: its indicators add up to its points."""

    code: str
    title: str
    points: Decimal
    indicators: tuple[IndicatorEntry, ...]
    cap: Decimal | None = None


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
