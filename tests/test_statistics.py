"""Statistics checks of printed breakdowns: sums, subsets, shares at the printed precision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govopen_rules.annual_reports.breakdowns import check_breakdown, printed_reading
from govopen_rules.annual_reports.formats import Relation
from govopen_rules.facts.model import StatisticsBreakdown, StatisticsPart


def breakdown(total: int, *parts: tuple[Any, Any], partition: bool = True) -> StatisticsBreakdown:
    return StatisticsBreakdown(
        label="测试",
        total=total,
        partition=partition,
        parts=tuple(
            StatisticsPart(label=f"p{i}", count=c, percent=None if p is None else Decimal(p))
            for i, (c, p) in enumerate(parts)
        ),
    )


def checks(b: StatisticsBreakdown, **kw: Any) -> list[str]:
    return [f.check for f in check_breakdown(b, **kw)]


def test_a_consistent_breakdown_has_no_findings() -> None:
    # 保山 2018: 306 = 250 (81.7 %) + 56 (18.3 %)
    assert checks(breakdown(306, (250, "81.7"), (56, "18.3"))) == []


def test_parts_not_adding_up() -> None:
    [finding] = check_breakdown(breakdown(1261, (34, None), (1331, None)))
    assert finding.check == "parts_total"
    assert finding.numbers == {"total": "1261", "parts_sum": "1365"}


def test_subsets_need_not_add_up() -> None:
    assert checks(breakdown(11664, (559, None), partition=False)) == []


@pytest.mark.parametrize(
    ("count", "total", "printed", "expected"),
    [
        (1, 8, "13", []),  # 12.5 → 13: half up, exactly at the boundary
        (1, 8, "12", ["percent_rounding"]),  # truncated
        (1, 8, "12.5", []),  # exact at one decimal
        (1, 200, "1", []),  # 0.5 → 1
        (1, 200, "0", ["percent_rounding"]),
        (1, 129, "0.8", []),  # 0.7752 → 0.8
        (1, 129, "0.7", ["percent_rounding"]),  # 保山 2018: printed 0.7
        (15, 59, "26", ["percent_rounding"]),  # 25.42 printed 26: rounded up
        (11630, 42091, "87.74", ["percent_mismatch"]),
        (15, 46, "32.61", []),
        (3, 46, "6.52", []),
    ],
)
def test_printed_shares_at_the_rounding_boundary(
    count: int, total: int, printed: str, expected: list[str]
) -> None:
    assert checks(breakdown(total, (count, printed), partition=False)) == expected


def test_tolerance_is_in_percentage_points() -> None:
    b = breakdown(129, (1, "0.7"), partition=False)
    assert checks(b, tolerance=Decimal("0.1")) == []
    assert checks(b, tolerance=Decimal("0.05")) == ["percent_rounding"]


def test_shares_printed_without_counts() -> None:
    assert checks(breakdown(129, (None, "21.7"), partition=False)) == []  # 28/129
    assert checks(breakdown(129, (None, "50.0"), partition=False)) == ["percent_unreproducible"]


def test_printed_shares_must_sum_to_100_within_rounding() -> None:
    # 1/3 each printed 33.3: sums to 99.9, within 3 × 0.05
    assert checks(breakdown(3, (1, "33.3"), (1, "33.3"), (1, "33.3"))) == []
    assert "percent_sum" in checks(breakdown(4, (1, "25"), (1, "25"), (2, "40")))


def test_finding_names_the_numbers_and_quotes_the_sentence() -> None:
    b = StatisticsBreakdown(
        label="申请方式",
        total=129,
        quote="当面申请30件,占23.2%",
        parts=(StatisticsPart(label="当面申请", count=30, percent=Decimal("23.2")),),
        partition=False,
    )
    [f] = check_breakdown(b)
    assert f.numbers == {
        "count": "30",
        "total": "129",
        "exact": "23.2558",
        "expected": "23.3",
        "printed": "23.2",
    }
    assert f.quote == "当面申请30件,占23.2%"
    assert "截尾" in f.message


def test_subsets_are_each_at_most_the_total() -> None:
    assert checks(breakdown(100, (60, None), (70, None), partition=False)) == []  # 130 > 100: fine
    assert checks(breakdown(100, (101, None), partition=False)) == ["part_exceeds_total"]
    assert checks(breakdown(100, (100, None), partition=False)) == []  # boundary


def test_unrelated_parts_are_not_compared_with_the_total() -> None:
    # 保山 2018: 回应 1261 次; channels 34 + 12 + 469 + 1018 + 1331 (次 and 篇)
    b = breakdown(1261, (34, None), (12, None), (469, None), (1018, None), (1331, None))
    assert checks(b) == ["parts_total"]  # read as a partition, it would not add up
    assert check_breakdown(b, relation=Relation.UNRELATED) == []
    assert [f.check for f in check_breakdown(b, relation=Relation.SUBSETS)] == [
        "part_exceeds_total"
    ]


@pytest.mark.parametrize(
    ("exact", "printed", "reading"),
    [
        ("1.0812", "1.08", "half up"),
        ("1.0812", "1.05", "mismatch"),
        ("12.5", "13", "half up"),
        ("12.5", "12", "truncated"),
        ("25.4237", "26", "rounded up"),
        ("17.4643", "17.46", "half up"),
    ],
)
def test_printed_reading(exact: str, printed: str, reading: str) -> None:
    assert printed_reading(Decimal(exact), Decimal(printed)) == reading
