"""Excel and HTML reports of a unit and a cohort, and the commands that write them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from govopen_rules import EvaluationResult, evaluate, evaluate_many
from govopen_rules.cli import main
from govopen_rules.plugins.registry import default_registry
from govopen_rules.reports.html_page import cohort_html, result_html
from govopen_rules.reports.xlsx import cohort_workbook, result_workbook

from browser import find_chromium, visit

PLUGINS = Path(__file__).parent.parent / "plugins"
XUANWEI = PLUGINS / "xuanwei/examples/xuanwei-2020.json"
YANAN = PLUGINS / "yanan/examples/yanan-2020-cohort.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def xuanwei() -> EvaluationResult:
    return evaluate(load(XUANWEI), region="xuanwei", year=2020)


def sheet_text(sheet: Any) -> str:
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


# --- Excel ---------------------------------------------------------------------------------------


def test_a_units_workbook_has_the_breakdown_and_the_assumptions(
    xuanwei: EvaluationResult, tmp_path: Path
) -> None:
    rubric = default_registry().get_rubric("xuanwei", 2020)
    result_workbook(xuanwei, rubric).save(tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["得分明细", "假定参数"]
    sheet = book["得分明细"]
    text = sheet_text(sheet)
    for ind in (i for a in xuanwei.areas for i in a.indicators):
        assert ind.code in text
    for finding in xuanwei.findings():
        assert finding.rule_id in text and finding.citation.clause in text
    assert "宣威市人民政府（530381）" in text and "总分 total 13.9 / 15" in text
    assert "得分区间 range" in text  # the column awaits the score ranges
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    # The rubric's points go in tenths: every number is printed with one decimal, exactly.
    total_row = next(r for r in sheet.iter_rows() if r[0].value == "合计 total")
    assert total_row[4].value == 13.9 and total_row[4].number_format == "0.0"
    evidence = [c.value for c in sheet["L"] if c.value and "disclosure_item" in str(c.value)]
    assert any("topic=development_plan" in e for e in evidence)
    assumptions = sheet_text(book["假定参数"])
    for name in xuanwei.assumed_parameters:
        assert name in assumptions
        assert rubric.parameters[name].note in assumptions


def test_a_cohorts_workbook_is_the_notice_table(tmp_path: Path) -> None:
    cohort = evaluate_many(load(YANAN)["units"], region="yanan", year=2020)
    cohort_workbook(cohort).save(tmp_path / "c.xlsx")
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["等次", "排名", "问题清单"]
    tiers = [[c.value for c in row] for row in book["等次"].iter_rows(min_row=3)]
    assert ["市政府工作部门（46个）", None, None, None] in tiers
    excellent = next(r for r in tiers if r[0] == "优秀" and r[1] == 36)  # computed, by total
    assert Decimal(str(excellent[2])) == Decimal("0.7826")
    share_cell = next(r for r in book["等次"].iter_rows() if r[0].value == "优秀")[2]
    assert share_cell.number_format == "0.00%"
    ranking = list(book["排名"].iter_rows(min_row=3, values_only=True))
    assert len(ranking) == 62
    assert ranking[0][:5] == ("县（市、区）政府、管委会", 1, "yanan-01", "子长市", 75)
    assert ranking[0][5] == "7–75"  # the score range the evidence proves
    assert {row[-2] for row in ranking} == {"优秀", "良好", "待改进"}  # the published tiers


# --- HTML ----------------------------------------------------------------------------------------


def test_the_page_is_self_contained_and_escapes_what_it_shows(xuanwei: EvaluationResult) -> None:
    page = result_html(xuanwei, default_registry().get_rubric("xuanwei", 2020))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|<img|@import|url\(|src=|href=", page)
    assert "宣威市人民政府" in page and "13.9" in page and "问题清单 findings (24)" in page
    for finding in xuanwei.findings():
        assert finding.rule_id in page
    assert "@page { size: A4" in page and "break-before: page" in page
    odd = load(XUANWEI)
    odd["unit"]["name"] = "<b>某县</b> & 人民政府"
    escaped = result_html(evaluate(odd, region="xuanwei", year=2020))
    assert "&lt;b&gt;某县&lt;/b&gt; &amp; 人民政府" in escaped and "<b>某县" not in escaped


def test_the_cohort_page_charts_each_group_with_its_tier_lines() -> None:
    registry = default_registry()
    cohort = evaluate_many(load(YANAN)["units"], region="yanan", year=2020)
    grading = registry.runnable("yanan", 2020).compiled.grading
    page = cohort_html(cohort, grading, registry.get_rubric("yanan", 2020))
    assert page.count("<svg") == len(cohort.groups) == 2
    assert page.count("<circle") == 62
    assert "优秀 ≥ 70" in page and "良好 ≥ 55" in page
    assert page.count('<section class="unit">') == 62
    assert "78.26%" in page and "公布等次 published" in page


chromium = find_chromium()
needs_chromium = pytest.mark.skipif(
    chromium is None,
    reason="Chromium is not installed, so the page cannot be opened in a real browser: "
    "install Debian's chromium package (bash scripts/test.sh does, where apt-get works)",
)


@needs_chromium
def test_chromium_renders_the_unit_page(xuanwei: EvaluationResult, tmp_path: Path) -> None:
    assert chromium is not None
    path = tmp_path / "xuanwei.html"
    path.write_text(result_html(xuanwei, default_registry().get_rubric("xuanwei", 2020)), "utf-8")
    seen = visit(path, chromium)
    assert seen.errors == ()
    assert seen.requests == (path.resolve().as_uri(),)  # nothing fetched beyond the page
    for text in (
        "宣威市人民政府",
        "总分 total 13.9 / 15",
        "问题清单 findings (24)",
        "xuanwei.a2.plan_statistics",
        "依据 附件1 政府信息公开 第2项 评分标准",
    ):
        assert text in seen.text
    assert seen.screenshot.startswith(b"\x89PNG") and len(seen.screenshot) > 50_000
    (tmp_path / "xuanwei.png").write_bytes(seen.screenshot)
    assert seen.pdf.startswith(b"%PDF") and _pages(seen.pdf) >= 2


@needs_chromium
def test_chromium_prints_each_unit_of_a_cohort_on_its_own_pages(tmp_path: Path) -> None:
    assert chromium is not None
    registry = default_registry()
    units = load(YANAN)["units"][:3]
    cohort = evaluate_many(units, region="yanan", year=2020)
    path = tmp_path / "cohort.html"
    grading = registry.runnable("yanan", 2020).compiled.grading
    path.write_text(cohort_html(cohort, grading), encoding="utf-8")
    seen = visit(path, chromium)
    assert seen.errors == ()
    assert "子长市" in seen.text and "得分分布 score distribution" in seen.text
    assert _pages(seen.pdf) >= 1 + len(units)  # the summary, then a page break before each unit


def _pages(pdf: bytes) -> int:
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


# --- the commands --------------------------------------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_template_then_evaluate_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = tmp_path / "t.xlsx"
    status, out, _ = run(
        ["template", "--region", "xuanwei", "--year", "2020", "-o", str(t), "--from", str(XUANWEI)],
        capsys,
    )
    assert status == 0 and "1 unit(s)" in out
    status, from_excel, _ = run(
        ["evaluate", str(t), "--region", "xuanwei", "--format", "json"], capsys
    )
    assert status == 0
    _, from_json, _ = run(
        ["evaluate", str(XUANWEI), "--region", "xuanwei", "--format", "json"], capsys
    )
    assert from_excel == from_json
    for fmt in ("xlsx", "html"):
        target = tmp_path / f"r.{fmt}"
        status, _, err = run(
            ["evaluate", str(t), "--region", "xuanwei", "--format", fmt, "-o", str(target)], capsys
        )
        assert status == 0 and err == "" and target.stat().st_size > 5_000
    assert "主动公开事项!" in (tmp_path / "r.html").read_text("utf-8")  # evidence names its row


def test_cohort_from_json_and_from_its_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "cohort.xlsx"
    status, out, _ = run(
        ["template", "--region", "yanan", "--year", "2020", "-o", str(book), "--from", str(YANAN)],
        capsys,
    )
    assert status == 0 and "62 unit(s)" in out
    _, from_excel, err = run(["cohort", str(book), "--region", "yanan", "--year", "2020"], capsys)
    # A workbook holds facts only: the published tiers stay in the JSON cohort file.
    facts_only = tmp_path / "facts-only.json"
    units = [{k: v for k, v in u.items() if k != "published"} for u in load(YANAN)["units"]]
    facts_only.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
    _, from_json, _ = run(["cohort", str(facts_only), "--region", "yanan", "--year", "2020"], capsys)
    assert from_excel == from_json and "| 优秀 | 12 | 75% |" in from_json
    assert err == ""  # no progress bar when stderr is not a terminal
    target = tmp_path / "c.xlsx"
    assert (
        main(
            [
                "cohort",
                str(YANAN),
                "--region",
                "yanan",
                "--year",
                "2020",
                "--format",
                "xlsx",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    assert load_workbook(target).sheetnames[0] == "等次"


def test_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        ["evaluate", str(XUANWEI), "--region", "xuanwei", "--format", "xlsx"], capsys
    )
    assert status == 1 and err == "error: --format xlsx writes a file: give -o FILE\n"
    cohort = tmp_path / "c.xlsx"
    run(
        [
            "template",
            "--region",
            "yanan",
            "--year",
            "2020",
            "-o",
            str(cohort),
            "--from",
            str(YANAN),
        ],
        capsys,
    )
    status, _, err = run(["evaluate", str(cohort), "--region", "yanan"], capsys)
    assert status == 1 and "holds 62 units; evaluate takes one" in err
    bad = tmp_path / "bad.xlsx"
    book = load_workbook(cohort)
    book["依申请公开"]["B3"] = "nobody"
    book.save(bad)
    status, _, err = run(["cohort", str(bad), "--region", "yanan", "--year", "2020"], capsys)
    assert status == 1
    assert "依申请公开!B3: unknown unit 'nobody'; units: yanan-01、" in err
    assert "Traceback" not in err


def test_text_that_looks_like_a_formula_stays_text_in_a_workbook(tmp_path: Path) -> None:
    """A unit named ``=HYPERLINK(…)`` was written as a live formula (and ``=1+1`` as an invalid
    one that Excel offers to repair); a control character, which openpyxl refuses, crashed."""
    cohort = load(YANAN)
    name = '=HYPERLINK("http://example.invalid","点此")'
    cohort["units"][0]["unit"]["name"] = name
    cohort["units"][1]["unit"]["name"] = "宝塔区\x01"
    result = evaluate_many(cohort["units"], region="yanan", year=2020)
    path = tmp_path / "tongbao.xlsx"
    cohort_workbook(result).save(path)
    book = load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    named = [c for c in cells if c.value == name]
    assert named and all(c.data_type == "s" for c in named)
    assert not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and "宝塔区\\u0001" in c.value for c in cells)
    facts = {k: v for k, v in cohort["units"][0].items() if k != "published"}
    unit = evaluate(facts, region="yanan", year=2020)
    result_workbook(unit).save(path)
    titles = [c for ws in load_workbook(path).worksheets for c in ws["A"][:1]]
    assert any(c.value.startswith(name) and c.data_type == "s" for c in titles)
