"""Figures the reports have a place for but the library does not compute yet.

A **score range** is the lowest and highest total the evidence allows (every rule without
evidence decided against the unit, then for it), and a cohort's **published tier** is the tier
a 通报 printed for a unit, to compare with the computed one. Neither exists yet; every layout
(workbook, HTML) already has its column or line for them, filled from these functions, so that
supplying the figures changes these functions and nothing else.
"""

from __future__ import annotations

from govopen_rules.evaluation.cohort import CohortResult
from govopen_rules.evaluation.results import AreaResult, EvaluationResult, IndicatorResult

__all__ = ["NOT_YET", "PUBLISHED_LABEL", "SCORE_RANGE_LABEL", "published_tier", "score_range"]

SCORE_RANGE_LABEL = "得分区间 range"
PUBLISHED_LABEL = "公布等次 published"
#: Shown where a pending figure goes.
NOT_YET = "—"


def score_range(
    result: EvaluationResult, part: AreaResult | IndicatorResult | None = None
) -> tuple[str, str] | None:
    """The (low, high) score the evidence allows for the result or one of its parts: not
    computed yet, so None."""
    return None


def published_tier(cohort: CohortResult, unit_id: str) -> str | None:
    """The tier a published notice gave the unit: cohort files carry none yet, so None."""
    return None
