"""Outputs stay what they say whatever a name holds: workbook cells text (never a formula, never
cut in silence), Markdown literal (never a tag, a link or a forged table), CSV inert in a
spreadsheet, and each ``--dump-json`` file its own, never written over an input."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import govopen_yanan
import lxml.html
import pytest
from markdown_it import MarkdownIt
from openpyxl import Workbook, load_workbook

import govopen_xuanwei
from govopen_rules import Registry, cli
from govopen_rules.reports.formatting import markdown_text
from govopen_rules.reports.template import INDEX_SHEET, template_workbook
from govopen_rules.reports.xlsx import CELL_LIMIT, write_cell

from builders import area, indicator, rubric, rule
from conftest import MakeRegistry

PEER = Path(__file__).parent / "data" / "peer-annual-reports"
FORMULA = '=HYPERLINK("http://evil.example","点此")'
# A name cannot hold a line break (refused when the facts are read); table syntax is escaped.
FORGED = "甲局 | rubric | 总分 total | |---|---| | 伪造 fake | 15 / 15 |"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(plugins=[govopen_xuanwei, govopen_yanan], load_entrypoints=False)


def _facts(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "facts.json"
    unit = {"id": "u1", "name": name, "kind": "county_government"}
    path.write_text(json.dumps({"unit": unit, "year": 2020, "facts": []}), encoding="utf-8")
    return path


def _cohort(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "cohort.json"
    units = [
        {"unit": {"id": f"u{i}", "name": n, "kind": "county_government"}, "year": 2020, "facts": []}
        for i, n in enumerate(names)
    ]
    path.write_text(json.dumps({"units": units}, ensure_ascii=False), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], registry: Registry | None, *argv: str) -> str:
    status = cli.main(list(argv), registry=registry)
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def _html(markdown: str) -> Any:
    """The Markdown as a renderer shows it (CommonMark with GFM tables)."""
    return lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(markdown))


# --- workbooks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["compare", "evaluate"])
def test_a_comparison_workbook_keeps_a_formula_name_as_text(
    command: str, registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.xlsx"
    argv = [command, str(_facts(tmp_path, FORMULA)), "--region", "xuanwei", "--region", "yanan"]
    _run(capsys, registry, *argv, "--format", "xlsx", "-o", str(out))
    title = load_workbook(out).active["A1"]  # type: ignore[index]
    assert title.data_type == "s" and title.value.startswith(FORMULA)


def test_a_comparison_workbook_takes_a_control_character(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.xlsx"
    argv = ["compare", str(_facts(tmp_path, "甲\u0001局")), "--region", "xuanwei"]
    _run(capsys, registry, *argv, "--region", "yanan", "--format", "xlsx", "-o", str(out))
    assert load_workbook(out).active["A1"].value.startswith("甲\\u0001局")  # type: ignore[index]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("char", ["x", "𠀀"])  # one UTF-16 unit, two (a surrogate pair)
def test_text_longer_than_a_cell_is_cut_visibly(char: str) -> None:
    text = char * 40_000 + "END"
    cell = write_cell(Workbook().create_sheet(), 1, 1, text)
    shown: str = cell.value  # type: ignore[assignment]
    assert _utf16(shown) <= CELL_LIMIT and shown.encode("utf-8")  # no half a surrogate pair
    head, marker = shown.split("…（")
    left_out = len(text) - len(head)
    assert text.startswith(head) and len(head) > 10_000
    assert marker == f"另有 {left_out} 字未列出 / {left_out} more characters not shown）"


def test_text_that_fits_is_written_whole() -> None:
    sheet = Workbook().create_sheet()
    fits = "名" * CELL_LIMIT
    assert write_cell(sheet, 1, 1, fits).value == fits
    assert write_cell(sheet, 1, 2, -1).value == -1
    assert write_cell(sheet, 1, 3, "#N/A").data_type == "s"  # text, not an error value


def test_a_tier_list_too_long_for_its_cell_says_so(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"{'某县' * 6000}{i}" for i in range(3)]  # 36,000 characters listed in one tier
    out = tmp_path / "c.xlsx"
    cohort = str(_cohort(tmp_path, *names))
    _run(capsys, registry, "cohort", cohort, "--region", "yanan", "--year", "2020",
         "--format", "xlsx", "-o", str(out))  # fmt: skip
    listed = [row[3] for row in load_workbook(out)["等次"].iter_rows(values_only=True)
              if len(row) > 3 and isinstance(row[3], str) and len(row[3]) > 1000]  # fmt: skip
    assert len(listed) == 1 and len(listed[0]) <= CELL_LIMIT
    assert listed[0].endswith("more characters not shown）")


def test_the_template_keeps_a_formula_title_as_text(make_registry: MakeRegistry) -> None:
    one = indicator("A1", "1", rule("t.a.late", "information_request"))
    reg = make_registry(rubric(area("A", one), title=FORMULA))
    book = template_workbook(reg.runnable("testland", 2020).compiled, reg.fact_kinds)
    title = book[INDEX_SHEET]["A1"]
    assert title.data_type == "s" and title.value.startswith(FORMULA)


# --- Markdown ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "甲\\|乙",
        "[点此](http://evil.example)",
        "# 标题",
        "1. 第一",
        "- 项",
        "===",
        "*强调* _斜体_ `代码` ~~删除~~",
        "&lt;b&gt;",
        "甲\n乙\r\n丙",
    ],
)
def test_markdown_text_renders_as_itself(text: str) -> None:
    page = _html(markdown_text(text))
    assert len(page.xpath("//p")) == 1 and not page.xpath("//p/*")  # plain text, one paragraph
    assert page.text_content() == " ".join(text.split())


def test_markdown_text_leaves_plain_text_alone() -> None:
    for text in ("9.4 / 10", "子长市", "-1", "yanan-2020-third-party v2"):
        assert markdown_text(text) == text


def test_a_name_cannot_forge_a_comparison_table(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", str(_facts(tmp_path, FORGED)), "--region", "xuanwei", "--region", "yanan"]
    page = _html(_run(capsys, registry, *argv, "--format", "markdown"))
    (title,) = page.xpath("//h1")
    assert title.text_content() == f"{FORGED} (u1) 2020 — 2 rubrics"
    rubrics = [row.xpath("td")[0].text_content() for row in page.xpath("//table[1]/tbody/tr")]
    assert rubrics == ["xuanwei-2020-county v2", "yanan-2020-third-party v2"]


def test_a_name_with_line_breaks_is_refused(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In text output it printed a forged total above the real one."""
    lines = "甲局\n总分 total: 100 / 100\n"
    argv = ["evaluate", str(_facts(tmp_path, lines)), "--region", "xuanwei"]
    assert cli.main(argv, registry=registry) == 1
    assert "unit.name: holds a line break (U+000A)" in capsys.readouterr().err


def test_a_cohort_markdown_shows_names_as_text(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["<img src=x onerror=alert(1)>", "甲\\|乙", "[点此](http://evil.example)"]
    cohort = str(_cohort(tmp_path, *names))
    page = _html(_run(capsys, registry, "cohort", cohort, "--region", "yanan", "--year", "2020"))
    assert not page.xpath("//img | //a")
    ranking = page.xpath("//table")[1]  # the first group's: every unit is a county
    for row in ranking.xpath("tbody/tr"):
        assert len(row.xpath("td")) == 7
    assert sorted(r.xpath("td")[1].text_content() for r in ranking.xpath("tbody/tr")) == sorted(
        names
    )


# --- check-stats -------------------------------------------------------------------------------


def _reports(folder: Path, units: dict[str, str]) -> Path:
    """Copies of a transcription, by file name, each with its unit's name."""
    report = json.loads((PEER / "shuyang-drc-2023.json").read_text(encoding="utf-8"))
    folder.mkdir()
    for name, unit in units.items():
        text = json.dumps(report | {"unit": unit}, ensure_ascii=False)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _check_stats(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    status = cli.main(
        ["check-stats", "--exit-zero", *argv], registry=Registry(load_entrypoints=False)
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    return out, err


def test_the_summary_table_holds_any_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    units = {"a|b\nc.json": "甲|乙\n| fake | 0 |", "b.json": "<b>乙</b>"}
    out, _err = _check_stats(capsys, str(_reports(tmp_path / "in", units)))
    table = out[out.index("| report |") : out.index("2 份报告")]  # the total line follows
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in _html(table).xpath("//tbody/tr")]
    assert [row[:2] for row in rows] == [
        ["a|b c.json", "甲|乙 | fake | 0 |"],
        ["b.json", "<b>乙</b>"],
    ]
    assert all(len(row) == 7 for row in rows)


def test_csv_cells_are_not_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = {
        "+cmd.json": '=HYPERLINK("http://evil","click")',
        "@SUM(1+1).json": "\t甲",
        "minus.json": "-1",
        "half.json": "-0.5",
    }
    out, _err = _check_stats(capsys, str(_reports(tmp_path / "in", units)), "--format", "csv")
    rows = {row["report"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["'+cmd.json"]["unit"] == "'" + units["+cmd.json"]
    assert rows["'@SUM(1+1).json"]["unit"] == "'\t甲"
    assert rows["minus.json"]["unit"] == "-1" and rows["half.json"]["unit"] == "-0.5"
    assert rows["minus.json"]["year"] == "2023"


def test_each_dump_has_its_own_file_and_no_input_is_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PEER / "sources" / "shuyang-drc-2023.html", folder / "a.html")
    shutil.copy(PEER / "hongze-district-2023.json", folder / "a.json")
    shutil.copy(PEER / "sources" / "hongze-district-2023.pdf", folder / "a.pdf")
    given = (folder / "a.json").read_bytes()
    _out, err = _check_stats(capsys, str(folder), "--dump-json", str(folder))
    assert (folder / "a.json").read_bytes() == given
    written = sorted(line for line in err.splitlines() if line.startswith("note: wrote"))
    assert written == [
        f"note: wrote {folder / n}" for n in ("a.html.json", "a.json.json", "a.pdf.json")
    ]
    units = {
        json.loads((folder / n).read_text(encoding="utf-8"))["unit"]
        for n in ("a.html.json", "a.pdf.json")
    }
    assert units == {"沭阳县发展和改革局", "洪泽区人民政府"}


def test_a_dump_keeps_its_stem_where_that_is_unambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    _reports(one, {"a.json": "甲"})
    _reports(two, {"a.json": "乙", "b.json": "丙"})
    dumped = tmp_path / "dumped"
    _out, err = _check_stats(capsys, str(one), str(two), "--dump-json", str(dumped))
    assert sorted(p.name for p in dumped.iterdir()) == ["a.json.2.json", "a.json.json", "b.json"]
    assert err.count("note: wrote") == 3


def test_a_listed_item_stays_on_its_line() -> None:
    """A policy title holding a line break started a line of its own in the text report; the
    result keeps the title as it is."""
    import attrs

    from govopen_rules.evaluation.results import Verdict
    from govopen_rules.reports.formatting import format_items

    fields = {a.name: None for a in attrs.fields(Verdict) if a.default is attrs.NOTHING}
    verdict = attrs.evolve(
        Verdict(**fields),  # type: ignore[arg-type]
        items=("甲\n总分 total: 15 / 15", "乙\u2028丙"),
        more_items=0,
    )
    assert format_items(verdict) == "甲 总分 total: 15 / 15、乙 丙"
    assert verdict.items[0] == "甲\n总分 total: 15 / 15"


def test_text_reports_keep_each_value_on_its_line() -> None:
    """A report's unit, a PDF quote and a fact's note holding line breaks printed forged
    findings and totals as lines of their own in text output."""
    from govopen_rules.annual_reports.results import ReportCheck
    from govopen_rules.evaluation.results import EvidenceRef
    from govopen_rules.reports.findings import render_check

    forged = "保山市人民政府\n未发现问题 (no findings)"
    text = render_check(ReportCheck(unit=forged, year=2018))
    assert text.splitlines()[0].startswith("保山市人民政府 未发现问题 (no findings) 2018年")
    ref = EvidenceRef(fact_index=0, kind="x", values={"note": "a\n\n问题清单 findings: 0"})
    assert ref.describe() == "facts[0] x: note=a  问题清单 findings: 0"


def test_a_bare_address_in_markdown_is_text() -> None:
    """GitHub's Markdown links a bare http:// or www. address: escaped, it renders as the same
    text (checked here with CommonMark; no GFM autolinker is installed)."""
    from markdown_it import MarkdownIt

    from govopen_rules.reports.formatting import markdown_text

    name = "点此 http://evil.example 或 www.evil.cn"
    escaped = markdown_text(name)
    assert "http://" not in escaped and "www." not in escaped
    html_text = MarkdownIt("commonmark").render(escaped)
    assert "<a" not in html_text and html_text.strip() == f"<p>{name}</p>"


def test_csv_neutralises_full_width_formula_marks_too() -> None:
    from govopen_rules.reports.findings import _csv_cell

    assert _csv_cell("＝HYPERLINK(1)").startswith("'")
    assert _csv_cell("-0.5") == "-0.5"


def test_a_unit_built_in_python_says_which_field_holds_a_line_break() -> None:
    from govopen_rules import Unit

    with pytest.raises(ValueError, match="a unit's name is one line of text"):
        Unit(id="u1", name="甲\n乙", kind="county_government")
    with pytest.raises(ValueError, match="a unit's id is one line of text"):
        Unit(id="u\r1", name="甲", kind="county_government")
