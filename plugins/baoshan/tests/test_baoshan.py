"""The 保山 2019 rubric, the per-category grade table, and the statistics of its two sources."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import Status, evaluate, evaluate_many, get_rubric

EXAMPLES = Path(__file__).parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))
import build_baoshan_cohort  # noqa: E402

sys.path.remove(str(EXAMPLES))


def cohort_units() -> list[dict[str, Any]]:
    path = EXAMPLES / "baoshan-2019-cohort.json"
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["units"]


def test_plugin_is_installed_with_the_notices_categories() -> None:
    rubric = get_rubric("baoshan", 2019)
    assert rubric.cohort is not None
    assert [g.name for g in rubric.cohort.groups] == [
        "县（市、区）人民政府", "园区管委会", "市直部门A类", "市直部门B类", "市直部门C类",
    ]
    assert [a.title for a in rubric.areas][:5] == [
        "政务公开要点落实", "主动公开", "专项工作", "公开载体建设", "依申请公开及回应",
    ]
    assert all(p.assumed for p in rubric.parameters.values())


def test_committed_cohort_matches_its_builder() -> None:
    committed = json.loads((EXAMPLES / "baoshan-2019-cohort.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(build_baoshan_cohort.build(), ensure_ascii=False))


def published_grades() -> dict[str, str]:
    grades = dict(build_baoshan_cohort.COUNTIES + build_baoshan_cohort.PARKS)
    for grade, members in build_baoshan_cohort.DEPARTMENTS.items():
        grades.update({name: grade for name, _cls in members})
    return grades


def test_the_grade_table_matches_the_notice() -> None:
    result = evaluate_many(cohort_units(), region="baoshan", year=2019)
    assert result.failures == () and result.ungrouped == ()
    placed = {p.name: p.tier for g in result.groups for p in g.placements}
    assert placed == published_grades()
    assert len(placed) == 49
    sizes = {g.name: g.size for g in result.groups}
    assert sizes == {"县（市、区）人民政府": 5, "园区管委会": 3, "市直部门A类": 21,
                     "市直部门B类": 14, "市直部门C类": 6}


def test_cli_prints_the_grade_table() -> None:
    out = subprocess.run(
        ["govopen-rules", "cohort", str(EXAMPLES / "baoshan-2019-cohort.json"),
         "--region", "baoshan", "--year", "2019"],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "| 优秀 | 2 | 40% | 昌宁县人民政府、腾冲市人民政府 |" in out
    assert "| 优秀 | 1 | 16.7% | 市投资促进局 |" in out


# --- rules: fires, clear, boundary ----------------------------------------------------

def unit(kind: str = "department", category: str | None = "A") -> dict[str, Any]:
    u: dict[str, Any] = {"id": "t", "name": "测试单位", "kind": kind}
    if category:
        u["category"] = category
    return u


def perfect(kind: str = "department") -> list[dict[str, Any]]:
    return build_baoshan_cohort.facts_for("优秀", kind, "测试单位")


def score(facts: list[dict[str, Any]], kind: str = "department", **kw: Any) -> Any:
    data = {"unit": unit(kind, "A" if kind == "department" else None), "year": 2019,
            "facts": facts, **kw}
    return evaluate(data, region="baoshan", year=2019)


def interpretations(n: int) -> list[dict[str, Any]]:
    return [{"kind": "policy_interpretation", "policy_title": f"解读{i}"} for i in range(n)]


def without(kind: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in facts if f["kind"] != kind]


def test_a_unit_with_nothing_wrong_scores_100() -> None:
    result = score(perfect())
    assert (result.total, result.grade) == (100, "优秀")


@pytest.mark.parametrize(("count", "points"), [(10, "0"), (9, "1"), (5, "5"), (1, "9")])
def test_interpretation_shortfall(count: int, points: str) -> None:
    facts = without("policy_interpretation", perfect()) + interpretations(count)
    verdict = score(facts).verdict("baoshan.a1.too_few_interpretations")
    assert verdict.points == Decimal(points)


def test_no_interpretation_at_all_costs_the_indicator() -> None:
    result = score(without("policy_interpretation", perfect()))
    verdict = result.verdict("baoshan.a1.too_few_interpretations")
    assert (verdict.status, verdict.points) == (Status.NO_EVIDENCE, Decimal(10))


@pytest.mark.parametrize(("updated_on", "fires"), [("2019-01-01", False), ("2018-12-31", True)])
def test_guide_updated_within_the_year(updated_on: str, fires: bool) -> None:
    facts = perfect()
    facts[2]["updated_on"] = updated_on  # the 概述类信息
    verdict = score(facts).verdict("baoshan.b1.not_updated")
    assert (verdict.status is Status.DEDUCTED) is fires


def test_press_conference_only_for_departments() -> None:
    absent = [f if f["kind"] != "press_conference" else {**f, "attended": False}
              for f in perfect()]
    assert score(absent).verdict("baoshan.c1.press_absent").points == 5
    county = score(perfect("county_government"), kind="county_government")
    assert county.verdict("baoshan.c1.press_absent").status is Status.NOT_APPLICABLE
    assert county.total == 100


@pytest.mark.parametrize(("replied", "late"), [("2019-11-18", False), ("2019-11-19", True)])
def test_message_reply_limit_boundary(replied: str, late: bool) -> None:
    # 10 working days after Monday 2019-11-04 is Monday 2019-11-18.
    facts = [*without("consultation", perfect()), {"kind": "consultation", "received_on": "2019-11-04", "replied_on": replied}]
    verdict = score(facts).verdict("baoshan.e1.late_reply")
    assert (verdict.status is Status.DEDUCTED) is late


@pytest.mark.parametrize(
    ("extra", "rule", "points"),
    [
        ([{"kind": "new_media_account", "name": f"号{i}", "filed": False} for i in range(3)],
         "d1.account_not_filed", "3"),
        ([{"kind": "new_media_account", "name": f"号{i}", "filed": False} for i in range(12)],
         "d1.account_not_filed", "12"),
        ([{"kind": "content_error", "severity": "serious"}] * 2, "d2.serious_typo", "4"),
        ([{"kind": "content_error", "severity": "minor"}], "d2.serious_typo", "0"),
        # 20 working days after Friday 2019-09-27, over National Day with the 调休 Sunday
        # 09-29 and Saturday 10-12, end on 2019-10-30.
        ([{"kind": "information_request", "received_on": "2019-09-27",
           "replied_on": "2019-10-31"}], "e2.overdue_request", "2"),
        ([{"kind": "information_request", "received_on": "2019-09-27",
           "replied_on": "2019-10-30"}], "e2.overdue_request", "0"),
        ([{"kind": "website_check", "site": "x", "result": "unqualified"}], "f1.site_unqualified", "5"),
        ([{"kind": "submission", "item": "月报", "due_on": "2019-06-03",
           "submitted_on": "2019-06-04"}], "f2.late_submission", "1"),
        ([{"kind": "disclosure_item", "topic": "公共资源配置", "published": False}],
         "b2.key_area_missing", "3"),
    ],
)
def test_rule_points(extra: list[dict[str, Any]], rule: str, points: str) -> None:
    result = score(perfect() + extra)
    assert result.verdict("baoshan." + rule).points == Decimal(points)
    indicator = result.verdict("baoshan." + rule).indicator
    assert result.indicator(indicator).score == max(
        Decimal(0), result.indicator(indicator).points - Decimal(points))


@pytest.mark.parametrize(("reported", "late"), [("2020-04-30", False), ("2020-05-06", True)])
def test_rectification_deadline(reported: str, late: bool) -> None:
    facts = [*perfect(), {"kind": "rectification", "problem": "指南未更新", "due_on": "2020-04-30", "reported_on": reported}]
    result = score(facts)
    assert (result.verdict("baoshan.g1.rectification_late").status is Status.DEDUCTED) is late
    assert result.total == 100


# --- statistics -----------------------------------------------------------------------

def check_stats(name: str) -> dict[str, Any]:
    out = subprocess.run(
        ["govopen-rules", "check-stats", str(EXAMPLES / name), "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def test_the_2018_annual_reports_findings() -> None:
    found = [(f["check"], f["numbers"]) for f in
             check_stats("baoshan-2018-annual-report.json")["findings"]]
    assert found == [
        ("parts_total", {"total": "1261", "parts_sum": "2864"}),
        ("percent_mismatch", {"count": "11630", "total": "42091", "exact": "27.6306",
                              "expected": "27.63", "printed": "87.74"}),
        ("percent_mismatch", {"count": "9092", "total": "11664", "exact": "77.9492",
                              "expected": "77.95", "printed": "81.46"}),
        ("percent_rounding", {"count": "30", "total": "129", "exact": "23.2558",
                              "expected": "23.3", "printed": "23.2"}),
        ("percent_rounding", {"count": "1", "total": "129", "exact": "0.7752",
                              "expected": "0.8", "printed": "0.7"}),
    ]


def test_the_2019_notices_findings() -> None:
    found = [(f["check"], f["numbers"]["printed"], f["numbers"]["expected"]) for f in
             check_stats("baoshan-2019-notice-statistics.json")["findings"]]
    assert found == [("percent_rounding", "11", "12"), ("percent_rounding", "26", "25")]


def test_text_output_quotes_the_sentence() -> None:
    out = subprocess.run(
        ["govopen-rules", "check-stats", str(EXAMPLES / "baoshan-2018-annual-report.json")],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "5 项发现" in out
    assert "原文: 二级以上办理深度事项11630项,占总事项的87.74%。" in out
