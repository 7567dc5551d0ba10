"""What an evaluation returns: verdicts per rule, scores per indicator and area, the total.

All classes are frozen and serialise losslessly through :func:`govopen_rules.to_json`.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from govopen_rules.facts.model import Unit
from govopen_rules.rubric.evidence_policy import ResolvedMissing
from govopen_rules.rubric.model import Citation

__all__ = [
    "AreaResult",
    "EvaluationResult",
    "EvidenceRef",
    "GradeHeld",
    "IndicatorResult",
    "ScoreRange",
    "Status",
    "Verdict",
    "one_line",
    "provisional_mark",
]


class Status(str, enum.Enum):
    """What a rule found."""

    DEDUCTED = "deducted"  # the problem was found and cost points (or vetoed, or earned a bonus)
    CLEAR = "clear"  # evidence present, nothing wrong
    NO_EVIDENCE = "no_evidence"  # the facts the rule needs are missing
    NOT_APPLICABLE = "not_applicable"  # the rule does not apply to this kind of unit


class Effect(str, enum.Enum):
    """Which way a rule's points go."""

    DEDUCTION = "deduction"
    BONUS = "bonus"
    VETO = "veto"


def one_line(text: str) -> str:
    """``text`` on one line (its lines joined by a space): a value placed in a line of a text
    report, such as a fact's note, a unit's name read from a report or a quote from a PDF,
    started lines of its own that read as findings or totals."""
    return " ".join(text.splitlines())


def provisional_mark(years: tuple[int, ...]) -> str:
    """`` ⚠临时日历 2027``: how outputs mark what a provisional calendar decided ('' if none)."""
    return f" ⚠临时日历 provisional calendar {', '.join(map(str, years))}" if years else ""


@attrs.frozen(kw_only=True)
class EvidenceRef:
    """A fact a verdict rests on: its position in the facts file and the values consulted."""

    fact_index: int
    kind: str
    values: dict[str, str]
    #: Years of a provisional calendar (statutory holidays, no 调休) that this fact's derived
    #: measures (deadlines, working-day delays) were computed with.
    provisional_calendar_years: tuple[int, ...] = ()

    def describe(self) -> str:
        """``facts[3] information_request: received_on=2020-06-01, …``: how every output
        (text report, case-file failure, ``assert_verdict``) shows a piece of evidence, with
        a mark where its working days came from a provisional calendar."""
        shown = ", ".join(f"{k}={one_line(v)}" for k, v in self.values.items())
        mark = provisional_mark(self.provisional_calendar_years)
        return f"facts[{self.fact_index}] {self.kind}: {shown}{mark}"


@attrs.frozen(kw_only=True)
class Verdict:
    """One rule's outcome for one unit."""

    rule_id: str
    title: str
    indicator: str
    status: Status
    effect: Effect
    points: Decimal
    count: int
    message: str
    citation: Citation
    evidence: tuple[EvidenceRef, ...] = ()
    assumptions: tuple[str, ...] = ()
    #: The rubric's missing-evidence policy, where absence decided the verdict (``no_evidence``,
    #: or ``clear`` because absence is the good case); None where facts decided it.
    policy: ResolvedMissing | None = None
    #: For ``no_evidence``: what the rule would cost were it decided against the unit (the low
    #: end of the score range charges this).
    at_stake: Decimal | None = None
    #: What the count is made of (dates, titles, names), at most ``evaluation.items.ITEM_LIMIT``.
    items: tuple[str, ...] = ()
    #: How many further items there were beyond ``items``.
    more_items: int = 0
    #: The baseline rule this rule includes (e.g. ``national.request.answer_deadline``).
    baseline: str | None = None
    #: Years of a provisional calendar that a working-day measure of this verdict's evidence
    #: was computed with: the verdict may change once the official arrangement is known.
    provisional_calendar_years: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class ScoreRange:
    """What the evidence proves: the total if every ``no_evidence`` rule were decided against the
    unit (``low``) or for it (``high``), within every cap; the grade at each end; and
    ``evidence_share``, the percentage of the rubric's points that no missing evidence can move
    (settled by facts, by a stated policy, or because no rule can take them; rounded down)."""

    low: Decimal
    high: Decimal
    low_grade: str | None
    high_grade: str | None
    evidence_share: Decimal

    @property
    def determined(self) -> bool:
        """Whether the evidence settles the total (low = high)."""
        return self.low == self.high


@attrs.frozen(kw_only=True)
class GradeHeld:
    """The rubric's evidence gate held the grade back: the grade the total alone would give,
    and why the evidence does not support it."""

    grade_by_total: str
    reason: str


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """二级指标 result. ``self_score_gap`` is self-score minus computed score, where given."""

    code: str
    title: str
    points: Decimal
    deducted: Decimal
    score: Decimal
    verdicts: tuple[Verdict, ...]
    self_score: Decimal | None = None
    self_score_gap: Decimal | None = None
    #: The score at the low and high ends of the range (every ``no_evidence`` rule decided
    #: against / for the unit).
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)

    @property
    def self_score_supported(self) -> bool | None:
        """Whether the evidence supports the self-score: no gap and no rule lacking evidence."""
        if self.self_score is None:
            return None
        lacking = any(v.status is Status.NO_EVIDENCE for v in self.verdicts)
        return not lacking and self.self_score_gap == 0


@attrs.frozen(kw_only=True)
class AreaResult:
    """一级指标 result."""

    code: str
    title: str
    points: Decimal
    deducted: Decimal
    score: Decimal
    indicators: tuple[IndicatorResult, ...]
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)


@attrs.frozen(kw_only=True)
class EvaluationResult:
    """The evaluation of one unit under one rubric."""

    unit: Unit
    region: str
    year: int
    rubric_id: str
    rubric_version: str
    library_version: str
    points: Decimal
    total: Decimal
    bonus: Decimal
    vetoed: bool
    #: The grade, or the evidence gate's label (待核实) when the evidence does not support the
    #: grade of the total (see ``grade_held``).
    grade: str | None
    areas: tuple[AreaResult, ...]
    parameters: dict[str, Decimal]
    #: What the evidence proves: the total and grade with every ``no_evidence`` rule decided
    #: against and for the unit.
    range: ScoreRange
    grade_held: GradeHeld | None = None
    assumed_parameters: tuple[str, ...] = ()
    #: Date parameters (deadlines) with their values.
    date_parameters: dict[str, dt.date] = attrs.field(factory=dict)
    #: The engine that matched the facts (``durable`` or ``python``: they give the same result).
    engine: str = "durable"
    #: Years whose working days were computed from the statutory holidays because no official
    #: arrangement was known: every working-day count touching them is provisional.
    provisional_calendar_years: tuple[int, ...] = ()

    def verdicts(self) -> list[Verdict]:
        """Every verdict, in rubric order."""
        return [v for a in self.areas for i in a.indicators for v in i.verdicts]

    def findings(self) -> list[Verdict]:
        """问题清单: verdicts that cost points, vetoed, or lacked evidence."""
        return [
            v
            for v in self.verdicts()
            if v.status is Status.NO_EVIDENCE
            or (v.status is Status.DEDUCTED and v.effect is not Effect.BONUS)
        ]

    def indicator(self, code: str) -> IndicatorResult:
        """The result of the indicator with this code."""
        for area in self.areas:
            for ind in area.indicators:
                if ind.code == code:
                    return ind
        raise KeyError(code)

    def verdict(self, rule_id: str) -> Verdict:
        """The verdict of the rule with this id."""
        for v in self.verdicts():
            if v.rule_id == rule_id:
                return v
        raise KeyError(rule_id)
