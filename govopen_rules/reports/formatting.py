"""How numbers and statuses are printed in every report: as the rubrics and notices print them."""

from __future__ import annotations

from decimal import Decimal

from govopen_rules.evaluation.results import Status

__all__ = ["STATUS_WORDS", "format_percent", "format_points", "format_range"]

#: Status words in Chinese, as the text report shows them.
STATUS_WORDS = {
    Status.DEDUCTED: "扣分",
    Status.CLEAR: "无问题",
    Status.NO_EVIDENCE: "缺证据",
    Status.NOT_APPLICABLE: "不适用",
}


def format_points(value: Decimal) -> str:
    """Points as the rubrics print them: 0.5, 2, 1.5 (no trailing zeros, never 1E+1)."""
    return format(value.normalize(), "f")


def format_percent(share: Decimal) -> str:
    """A share as a notice prints it: 32.61%, 25% (trailing zeros dropped)."""
    return f"{format_points(share)}%"


def format_range(low: Decimal, high: Decimal) -> str:
    """A score range as the text and cohort reports print it: 10.1–13.9."""
    return f"{format_points(low)}–{format_points(high)}"
