"""The score range and the published tier, as the workbook and HTML layouts print them.

A **score range** is the lowest and highest total the evidence allows (every rule without
evidence decided against the unit, then for it; see :mod:`govopen_rules.evaluation.ranges`),
and a cohort's **published tier** is the tier a 通报 printed for a unit, carried in the cohort
file beside its facts and compared with the computed one. Every layout has its column or line
for them, filled from these functions.
"""

from __future__ import annotations

from govopen_rules.evaluation.cohort import Agreement, CohortResult, Placement
from govopen_rules.evaluation.results import AreaResult, EvaluationResult, IndicatorResult
from govopen_rules.reports.formatting import format_points

__all__ = [
    "NOT_YET",
    "PUBLISHED_LABEL",
    "SCORE_RANGE_LABEL",
    "agreement_word",
    "published_tier",
    "score_range",
]

SCORE_RANGE_LABEL = "得分区间 range"
PUBLISHED_LABEL = "公布等次 published"
#: Shown where a figure is missing.
NOT_YET = "—"


def score_range(
    result: EvaluationResult, part: AreaResult | IndicatorResult | None = None
) -> tuple[str, str] | None:
    """The (low, high) score the evidence allows for the result or one of its parts."""
    low, high = (result.range.low, result.range.high) if part is None else (part.low, part.high)
    return format_points(low), format_points(high)


_last: list[tuple[CohortResult, dict[str, Placement]]] = []
_WORDS = {Agreement.AGREES: "是", Agreement.DISAGREES: "否", Agreement.UNDETERMINED: "待核实"}


def _placement(cohort: CohortResult, unit_id: str) -> Placement | None:
    """The unit's placement (the layouts ask unit by unit: the cohort's table is built once)."""
    if not _last or _last[0][0] is not cohort:
        table = {p.unit_id: p for g in cohort.groups for p in g.placements}
        _last[:] = [(cohort, table)]
    return _last[0][1].get(unit_id)


def published_tier(cohort: CohortResult, unit_id: str) -> str | None:
    """The tier the cohort file says a notice published for the unit, or None."""
    placement = _placement(cohort, unit_id)
    return None if placement is None else placement.published


def agreement_word(cohort: CohortResult, unit_id: str) -> str:
    """是 when the evidence settles the published tier, 否 when it rules it out, 待核实 when it
    allows it among others; empty where no tier was published."""
    placement = _placement(cohort, unit_id)
    if placement is None or placement.agreement is None:
        return ""
    return _WORDS[placement.agreement]
