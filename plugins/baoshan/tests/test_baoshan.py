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

from govopen_baoshan import examples

from govopen_rules import evaluate_many, get_rubric

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
    assert all(p.assumed for p in rubric.parameters.values())


def test_the_committed_cohort_is_what_its_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "cohort.json"
    examples.main([str(out)])
    assert out.read_bytes() == (EXAMPLES / "baoshan-2019-cohort.json").read_bytes()


def published_grades() -> dict[str, str]:
    grades = dict(examples.COUNTIES + examples.PARKS)
    for grade, members in examples.DEPARTMENTS.items():
        grades.update({name: grade for name, _cls in members})
    return grades


def test_the_grade_table_matches_the_notice() -> None:
    result = evaluate_many(cohort_units(), region="baoshan", year=2019)
    assert result.failures == () and result.ungrouped == ()
    placed = {p.name: p.tier for g in result.groups for p in g.placements}
    assert placed == published_grades()
    assert len(placed) == 49
    sizes = {g.name: g.size for g in result.groups}
    assert sizes == {
        "县（市、区）人民政府": 5,
        "园区管委会": 3,
        "市直部门A类": 21,
        "市直部门B类": 14,
        "市直部门C类": 6,
    }


def test_cli_prints_the_grade_table() -> None:
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
    assert "| 优秀 | 2 | 40% | 昌宁县人民政府、腾冲市人民政府 |" in out
    assert "| 优秀 | 1 | 16.7% | 市投资促进局 |" in out


# --- statistics -----------------------------------------------------------------------

def check_stats(name: str) -> dict[str, Any]:
    out = subprocess.run(
        ["govopen-rules", "check-stats", str(EXAMPLES / name), "--format", "json", "--exit-zero"],
        check=True, capture_output=True, text=True,
    ).stdout
    [report] = json.loads(out)["reports"]
    return report


def test_the_2018_annual_reports_findings() -> None:
    found = [(f["check"], f["numbers"]) for f in
             check_stats("baoshan-2018-annual-report.json")["findings"]]
    # 回应解读 channel counts (次, 篇) are not parts of the 1261 responses: no parts_total
    assert found == [
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
        check=False, capture_output=True, text=True,
    ).stdout
    assert "4 项发现" in out
    assert "原文: 二级以上办理深度事项11630项,占总事项的87.74%。" in out
