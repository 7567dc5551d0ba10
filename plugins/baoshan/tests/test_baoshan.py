"""The 保山 2019 rubric, the per-category grade table, and the statistics of its two sources.

Each rule is tested where it fires, where it does not and at its boundary in
``rules.cases.yaml``; that every rule is seen both deducted and clear is the testing kit's
coverage gate (``--govopen-coverage-fail-under 100``, run by ``.ci/run``).
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from govopen_baoshan import examples

from govopen_rules import Status, evaluate_many, get_rubric

EXAMPLES = Path(__file__).parent.parent / "examples"


def cohort_units() -> list[dict[str, Any]]:
    path = EXAMPLES / "baoshan-2019-cohort.json"
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["units"]


def test_plugin_is_installed_with_the_notices_categories() -> None:
    rubric = get_rubric("baoshan", 2019)
    assert rubric.cohort is not None
    assert [g.name for g in rubric.cohort.groups] == [
        "县（市、区）人民政府",
        "园区管委会",
        "市直部门A类",
        "市直部门B类",
        "市直部门C类",
    ]
    assert [a.title for a in rubric.areas][:5] == [
        "政务公开要点落实",
        "主动公开",
        "专项工作",
        "公开载体建设",
        "依申请公开及回应",
    ]
    dates = {name for name, p in rubric.parameters.items() if not p.assumed}
    assert dates == {"rectification_due"}
    due = rubric.parameters["rectification_due"]
    assert str(due.value) == "2020-04-30"
    assert due.citation is not None and "2020 年 4 月 30 日前" in due.citation.quote
    assert rubric.missing_evidence is not None and rubric.missing_evidence.mode == "undecided"


def test_the_committed_cohort_is_what_its_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "cohort.json"
    examples.main([str(out)])
    assert out.read_bytes() == (EXAMPLES / "baoshan-2019-cohort.json").read_bytes()


def published_grades() -> dict[str, str]:
    grades = dict(examples.COUNTIES + examples.PARKS)
    for grade, members in examples.DEPARTMENTS.items():
        grades.update({name: grade for name, _cls in members})
    return grades


def test_no_fact_depends_on_a_published_grade(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = {u["unit"]["name"]: u["facts"] for u in examples.build()["units"]}
    monkeypatch.setattr(examples, "COUNTIES", [(n, "合格") for n, _ in examples.COUNTIES])
    rebuilt = {u["unit"]["name"]: u["facts"] for u in examples.build()["units"]}
    assert rebuilt == facts
    for u in examples.build()["units"]:
        assert all(
            f["note"].startswith("保山市2019年度考评通报 四、存在的主要问题") for f in u["facts"]
        )


def test_the_published_grades_are_compared_and_none_is_settled_by_the_evidence() -> None:
    result = evaluate_many(cohort_units(), region="baoshan", year=2019)
    assert result.failures == () and result.ungrouped == ()
    published = {p.name: p.published for g in result.groups for p in g.placements}
    assert published == published_grades()
    assert len(published) == 49
    sizes = {g.name: g.size for g in result.groups}
    assert sizes == {
        "县（市、区）人民政府": 5,
        "园区管委会": 3,
        "市直部门A类": 21,
        "市直部门B类": 14,
        "市直部门C类": 6,
    }
    table = {
        g.name: tuple(t.count for t in g.published.tiers) for g in result.groups if g.published
    }
    assert table == {  # the README's table, published 优秀 / 良好 / 合格
        "县（市、区）人民政府": (2, 2, 1),
        "园区管委会": (1, 1, 1),
        "市直部门A类": (5, 6, 10),
        "市直部门B类": (3, 4, 7),
        "市直部门C类": (1, 2, 3),
    }
    for group in result.groups:
        compared = group.published
        assert compared is not None
        assert [t.count for t in group.tiers] == [group.size, 0, 0]
        assert (compared.agrees, compared.disagrees, compared.undetermined) == (0, 0, group.size)
        assert group.determined == 0
    # Nothing the notice says costs a point: every total is 100 (优秀 by total), every grade is
    # held back (待核实), and the ranges reach down to 25 (counties, parks) and 20 (departments,
    # which can also lose C1's press-conference points).
    assert {r.total for r in result.results} == {100}
    assert {r.grade for r in result.results} == {"待核实"}
    lows = {r.unit.kind: r.range.low for r in result.results}
    assert lows == {"county_government": 25, "park_committee": 25, "department": 20}
    rectification = {r.verdict("baoshan.g1.rectification_late").status for r in result.results}
    assert rectification == {Status.NO_EVIDENCE}


def test_cli_prints_the_published_grades_against_the_evidence() -> None:
    out = subprocess.run(
        [
            "govopen-rules",
            "cohort",
            str(EXAMPLES / "baoshan-2019-cohort.json"),
            "--region",
            "baoshan",
            "--year",
            "2019",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "| 优秀 | 2 | 40% | 5 | 100% | 0 |" in out
    assert "| 优秀 | 1 | 16.7% | 6 | 100% | 0 |" in out
    assert "一致 agree: 0 · 不一致 disagree: 0 · 待核实 undetermined: 21" in out


# --- statistics -----------------------------------------------------------------------


def check_stats(name: str) -> dict[str, Any]:
    out = subprocess.run(
        ["govopen-rules", "check-stats", str(EXAMPLES / name), "--format", "json", "--exit-zero"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    [report] = json.loads(out)["reports"]
    return report


def test_the_2018_annual_reports_findings() -> None:
    found = [
        (f["check"], f["numbers"])
        for f in check_stats("baoshan-2018-annual-report.json")["findings"]
    ]
    # 回应解读 channel counts (次, 篇) are not parts of the 1261 responses: no parts_total
    assert found == [
        (
            "percent_mismatch",
            {
                "count": "11630",
                "total": "42091",
                "exact": "27.6306",
                "expected": "27.63",
                "printed": "87.74",
            },
        ),
        (
            "percent_mismatch",
            {
                "count": "9092",
                "total": "11664",
                "exact": "77.9492",
                "expected": "77.95",
                "printed": "81.46",
            },
        ),
        (
            "percent_rounding",
            {
                "count": "30",
                "total": "129",
                "exact": "23.2558",
                "expected": "23.3",
                "printed": "23.2",
            },
        ),
        (
            "percent_rounding",
            {"count": "1", "total": "129", "exact": "0.7752", "expected": "0.8", "printed": "0.7"},
        ),
    ]


def test_the_2019_notices_findings() -> None:
    found = [
        (f["check"], f["numbers"]["printed"], f["numbers"]["expected"])
        for f in check_stats("baoshan-2019-notice-statistics.json")["findings"]
    ]
    assert found == [("percent_rounding", "11", "12"), ("percent_rounding", "26", "25")]


def test_text_output_quotes_the_sentence() -> None:
    out = subprocess.run(
        ["govopen-rules", "check-stats", str(EXAMPLES / "baoshan-2018-annual-report.json")],
        check=False,
        capture_output=True,
        text=True,
    ).stdout
    assert "4 项发现" in out
    assert "原文: 二级以上办理深度事项11630项,占总事项的87.74%。" in out
