"""Statistics checks: printed breakdowns, and real annual reports (tests/data, peer data)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules.annual_reports.breakdowns import check_breakdown
from govopen_rules.annual_reports.report import AnnualReport, check_report
from govopen_rules.conversion import structure_as
from govopen_rules.facts.model import StatisticsBreakdown, StatisticsPart

PEER = Path(__file__).parent / "data" / "peer-annual-reports"


def breakdown(total: int, *parts: tuple[Any, Any], partition: bool = True) -> StatisticsBreakdown:
    return StatisticsBreakdown(
        label="测试", total=total, partition=partition,
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
        (1, 8, "13", []),                       # 12.5 → 13: half up, exactly at the boundary
        (1, 8, "12", ["percent_rounding"]),     # truncated
        (1, 8, "12.5", []),                     # exact at one decimal
        (1, 200, "1", []),                      # 0.5 → 1
        (1, 200, "0", ["percent_rounding"]),
        (1, 129, "0.8", []),                    # 0.7752 → 0.8
        (1, 129, "0.7", ["percent_rounding"]),  # 保山 2018: printed 0.7
        (15, 59, "26", ["percent_rounding"]),   # 25.42 printed 26: rounded up
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
    b = StatisticsBreakdown(label="申请方式", total=129, quote="当面申请30件,占23.2%",
                            parts=(StatisticsPart(label="当面申请", count=30,
                                                  percent=Decimal("23.2")),),
                            partition=False)
    [f] = check_breakdown(b)
    assert f.numbers == {"count": "30", "total": "129", "exact": "23.2558",
                         "expected": "23.3", "printed": "23.2"}
    assert f.quote == "当面申请30件,占23.2%"
    assert "截尾" in f.message


# --- annual reports ---------------------------------------------------------------------

def load(name: str) -> AnnualReport:
    data = json.loads((PEER / name).read_text(encoding="utf-8"), parse_float=Decimal)
    report, problems = structure_as(data, AnnualReport, "$")
    assert problems == [] and report is not None
    return report


def findings(name: str) -> list[tuple[str, str]]:
    report = load(name)
    previous = load(report.previous_year_file) if report.previous_year_file else None
    return [(f.check, f.where) for f in check_report(report, previous)]


@pytest.mark.parametrize("name", sorted(p.name for p in PEER.glob("*.json")))
def test_every_peer_report_loads_and_is_checked(name: str) -> None:
    report = load(name)
    assert report.table3  # the tables were read, so the table checks ran
    findings(name)


def test_what_the_checks_find_in_the_peer_reports() -> None:
    found = {p.name: findings(p.name) for p in sorted(PEER.glob("*.json"))}
    # 洪泽区 2023 prints table 四 totals of 0 under non-zero parts (10 + 1, and 5).
    assert found["hongze-district-2023.json"] == [
        ("table4_total", "table4.review"), ("table4_total", "table4.litigationPostReview"),
    ]
    assert all(v == [] for k, v in found.items() if k != "hongze-district-2023.json")


def _with(report: AnnualReport, **changes: Any) -> AnnualReport:
    import attrs

    return attrs.evolve(report, **changes)


def test_table3_and_cross_year_identities_fire_when_broken() -> None:
    import attrs

    report = load("suqian-city-2024.json")
    previous = load("suqian-city-2023.json")
    assert report.table3 is not None
    table = dict(report.table3)
    table["granted"] = attrs.evolve(table["granted"], total=table["granted"].total + 1)
    table["carriedOver"] = attrs.evolve(table["carriedOver"], research=5)
    broken = _with(report, table3=table)
    got = {(f.check, f.where) for f in check_report(broken, previous)}
    assert ("table3_outcomes", "table3.total") in got
    assert ("table3_columns", "table3.granted") in got
    assert ("table3_balance", "table3.research") in got
    assert ("carry_over", "table3.carriedOver.research") in got


def test_prose_against_tables() -> None:
    report = load("suqian-city-2024.json")
    prose = dict(report.prose_numbers)
    handled = prose["applications_handled"]
    prose["applications_handled"] = _with_prose(handled, granted=1430)
    [f] = check_report(_with(report, prose_numbers=prose))
    assert (f.check, f.where, f.numbers) == (
        "prose_vs_table", "prose_numbers.applications_handled.granted",
        {"prose": "1430", "table": "1431"},
    )


def _with_prose(prose: Any, **parts: Any) -> Any:
    import attrs

    return attrs.evolve(prose, parts={**prose.parts, **parts})


@pytest.mark.parametrize(("fmt", "headings", "missing"), [
    ("2019", ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
              "六、其他需要报告的事项"], []),
    ("2019", ["一、总体情况", "二、主动公开政府信息情况"],
     ["收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
      "存在的主要问题及改进情况", "其他需要报告的事项"]),
    ("2007", ["一、总体公开说明", "十五、附表"], None),
])
def test_required_sections(fmt: str, headings: list[str], missing: list[str] | None) -> None:
    report = AnnualReport(unit="某县", year=2020, format=fmt, sections=tuple(headings))
    got = [f.numbers["section"] for f in check_report(report)]
    if missing is None:
        assert len(got) == 13  # 15 sections required, 2 present
    else:
        assert got == missing
