"""Checks of printed statistics: parts against totals, and percentages against counts.

Reports print a total, its parts and their shares at some precision ("占23.2%"). The checks
recompute every share from the counts, rounded half up at the printed precision, and say
exactly which numbers disagree. A printed share that another rounding (truncation, rounding
up) reproduces is reported as a rounding error; one no rounding reproduces, as a mismatch; a
share printed without a count is checked for whether *any* count of the total gives it.

How the parts relate to the total is the format's business (:mod:`.formats`): a partition's
parts add up to the total; subsets ("其中", channels) are each at most the total; parts that
count something else are not compared with it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import attrs

from govopen_rules.annual_reports.formats import Relation
from govopen_rules.exact import percent_of
from govopen_rules.facts.model import StatisticsBreakdown, StatisticsPart

__all__ = ["StatFinding", "check_breakdown", "decimals_of", "printed_reading"]


@attrs.frozen(kw_only=True)
class StatFinding:
    """One disagreement in printed statistics, with the numbers behind it and the sentence."""

    check: str
    where: str
    message: str
    numbers: dict[str, str]
    quote: str | None = None


def decimals_of(printed: Decimal) -> int:
    """How many decimals a printed number shows ("0.7" → 1, "10" → 0, "25.00" → 2)."""
    exponent = printed.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def printed_reading(exact: Decimal, printed: Decimal, tolerance: Decimal = Decimal(0)) -> str:
    """How ``printed`` reads ``exact`` at the printed precision: ``"half up"`` (correct, or
    within ``tolerance``), ``"truncated"``, ``"rounded up"``, or ``"mismatch"``."""
    quantum = Decimal(1).scaleb(-decimals_of(printed))
    expected = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    if expected == printed or abs(expected - printed) <= tolerance:
        return "half up"
    if exact.quantize(quantum, rounding=ROUND_FLOOR) == printed:
        return "truncated"
    if exact.quantize(quantum, rounding=ROUND_CEILING) == printed:
        return "rounded up"
    return "mismatch"


def _exact(count: int, total: int) -> str:
    return str((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.0001")))


def check_breakdown(
    breakdown: StatisticsBreakdown,
    *,
    where: str = "",
    tolerance: Decimal = Decimal(0),
    relation: Relation | None = None,
) -> list[StatFinding]:
    """Every disagreement in one breakdown. ``tolerance`` is in percentage points.

    ``relation`` says how the parts relate to the total; by default the breakdown's own
    ``partition`` flag decides (a partition, or subsets).
    """
    if relation is None:
        relation = Relation.PARTITION if breakdown.partition else Relation.SUBSETS
    where = where or breakdown.label
    findings: list[StatFinding] = []

    def add(check: str, message: str, **numbers: object) -> None:
        findings.append(
            StatFinding(
                check=check,
                where=where,
                message=message,
                numbers={k: str(v) for k, v in numbers.items()},
                quote=breakdown.quote,
            )
        )

    if relation is Relation.UNRELATED:
        return findings
    total, parts = breakdown.total, breakdown.parts
    counts = [p.count for p in parts]
    if relation is Relation.PARTITION and parts and all(c is not None for c in counts):
        parts_sum = sum(c for c in counts if c is not None)
        if parts_sum != total:
            listing = " + ".join(f"{p.count}（{p.label}）" for p in parts)
            add(
                "parts_total",
                f"{breakdown.label}: 分项之和 {listing} = {parts_sum}，不等于总数 {total}",
                total=total,
                parts_sum=parts_sum,
            )
    if relation is Relation.SUBSETS:
        for part in parts:
            if part.count is not None and part.count > total:
                add(
                    "part_exceeds_total",
                    f"{breakdown.label}: 其中 {part.label} {part.count} 大于总数 {total}",
                    part=part.count,
                    total=total,
                )
    if total > 0:
        for part in parts:
            _check_share(part, total, breakdown.label, tolerance, add)
    printed = [p.percent for p in parts]
    if relation is Relation.PARTITION and parts and all(p is not None for p in printed):
        shares = [p for p in printed if p is not None]
        slack = sum((Decimal("0.5").scaleb(-decimals_of(p)) for p in shares), Decimal(0))
        share_sum = sum(shares, Decimal(0))
        if abs(share_sum - 100) > slack + tolerance:
            add(
                "percent_sum",
                f"{breakdown.label}: 各项占比之和为 {share_sum}%，"
                f"超出四舍五入可解释的范围（100% ± {slack}%）",
                percent_sum=share_sum,
                slack=slack,
            )
    return findings


def _check_share(
    part: StatisticsPart, total: int, label: str, tolerance: Decimal, add: Callable[..., None]
) -> None:
    if part.percent is None:
        return
    printed = part.percent
    places = decimals_of(printed)
    if part.count is None:
        if not _reproducible(printed, total, places):
            add(
                "percent_unreproducible",
                f"{label}: {part.label} 印为 {printed}%，"
                f"总数 {total} 的任何整数件数都得不到这一占比",
                printed=printed,
                total=total,
            )
        return
    how = printed_reading(Decimal(part.count) * 100 / Decimal(total), printed, tolerance)
    if how == "half up":
        return
    expected = percent_of(part.count, total, places)
    exact = _exact(part.count, total)
    numbers = {
        "count": part.count,
        "total": total,
        "exact": exact,
        "expected": expected,
        "printed": printed,
    }
    if how == "mismatch":
        add(
            "percent_mismatch",
            f"{label}: {part.label} {part.count}/{total} = {exact}%，实印 {printed}%，"
            "任何取整方式都对不上",
            **numbers,
        )
    else:
        add(
            "percent_rounding",
            f"{label}: {part.label} {part.count}/{total} = {exact}%，按四舍五入应印 {expected}%，"
            f"实印 {printed}%（{'截尾' if how == 'truncated' else '进位'}）",
            **numbers,
        )


def _reproducible(printed: Decimal, total: int, places: int) -> bool:
    """Whether some count k in 0..total gives ``printed`` at ``places``, rounded half up."""
    approx = int(printed * total / 100)
    return any(
        0 <= k <= total and percent_of(k, total, places) == printed
        for k in range(approx - 2, approx + 3)
    )
