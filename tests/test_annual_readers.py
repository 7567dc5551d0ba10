"""Reading reports as published: the three real originals must give their transcriptions' tables
cell for cell (blank cells blank); a DOCX made here from a transcription reads back the same
(no published DOCX report is available, so the test writes one with python-docx); a layout the
readers cannot read is an error naming what is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.table import Table

from govopen_rules.annual_reports.checks import check_report
from govopen_rules.annual_reports.formats import FORMAT_2019_SECTIONS, OUTCOME_GROUPS, TABLE3_ROWS
from govopen_rules.annual_reports.readers import ReportReadError, read_report
from govopen_rules.annual_reports.readers.html_page import table_grid
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.conversion import structure_as

PEER = Path(__file__).parent / "data" / "peer-annual-reports"
SOURCES = PEER / "sources"
ORIGINALS = {
    "hongze-district-2023.pdf": ("洪泽区人民政府", 2023, None),
    "hongze-district-2024.pdf": ("淮安市洪泽区人民政府", 2024, None),
    "shuyang-drc-2023.html": ("沭阳县发展和改革局", 2023, dt.date(2024, 1, 17)),
}


def transcription(stem: str) -> AnnualReport:
    data = json.loads((PEER / f"{stem}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    report, problems = structure_as(data, AnnualReport, "$")
    assert problems == [] and report is not None
    return report


@pytest.fixture(scope="module")
def originals() -> dict[str, AnnualReport]:
    return {name: read_report(SOURCES / name) for name in ORIGINALS}


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_original_tables_equal_the_transcription_cell_for_cell(
    name: str, originals: dict[str, AnnualReport]
) -> None:
    parsed = originals[name]
    expected = transcription(Path(name).stem)
    for table in ("table2", "table3", "table4"):
        got, want = getattr(parsed, table), getattr(expected, table)
        assert got is not None and want is not None
        assert set(got) == set(want), table
        for row in want:
            assert got[row] == want[row], f"{table}.{row}"


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_original_title_date_and_sections(name: str, originals: dict[str, AnnualReport]) -> None:
    parsed = originals[name]
    unit, year, published = ORIGINALS[name]
    assert (parsed.unit, parsed.year, parsed.published) == (unit, year, published)
    assert parsed.sections is not None and len(parsed.sections) == 6
    for heading, (_title, phrase) in zip(parsed.sections, FORMAT_2019_SECTIONS, strict=True):
        assert phrase in heading


def test_shuyang_blank_cells_stay_blank(originals: dict[str, AnnualReport]) -> None:
    table3 = originals["shuyang-drc-2023.html"].table3
    assert table3 is not None
    blank = [
        (r, c)
        for r, row in table3.items()
        for c in ("commercial", "research", "social", "legal", "other")
        if getattr(row, c) is None
    ]
    assert len(blank) == 125
    assert all(row.naturalPerson is not None and row.total is not None for row in table3.values())


def test_the_originals_prose_is_checked(originals: dict[str, AnnualReport]) -> None:
    hongze_2024 = check_report(originals["hongze-district-2024.pdf"])
    assert [(f.check, f.numbers) for f in hongze_2024.findings] == [
        ("prose_vs_table", {"prose": "17", "table": "95"})
    ]
    shuyang = check_report(originals["shuyang-drc-2023.html"])
    assert shuyang.findings == () and len(shuyang.unverifiable) == 35
    assert shuyang.checked == 9  # 4 + 3 identities, 收到 26 件, the publication date


def test_table_grid_expands_spans_into_none() -> None:
    import lxml.html

    table = lxml.html.fromstring(
        "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td>1</td><td></td></tr></table>"
    )
    assert table_grid(table) == (("A", "B", None), (None, "1", ""))


def test_spans_are_clamped_as_browsers_clamp_them_and_a_huge_grid_is_refused() -> None:
    """A row span ends with the table and a column span at 1,000 (rowspan="50000000" once
    filled 2.5 GB); a grid past a million places is an error, not gigabytes."""
    import lxml.html

    from govopen_rules.annual_reports.readers.html_page import MAX_COLSPAN, MAX_GRID_CELLS

    tall = lxml.html.fromstring(
        '<table><tr><td rowspan="50000000">A</td><td>B</td></tr><tr><td>1</td></tr></table>'
    )
    assert table_grid(tall) == (("A", "B"), (None, "1"))
    huge = lxml.html.fromstring(
        f'<table><tr><td colspan="{"9" * 30}">A</td><td>B</td></tr></table>'
    )
    assert table_grid(huge)[0][MAX_COLSPAN] == "B"  # A spans 1,000 columns, no more
    cells = "".join('<td colspan="1000">x</td>' for _ in range(MAX_GRID_CELLS // 1000 + 1))
    with pytest.raises(ReportReadError, match="more than 1,000,000 places"):
        table_grid(lxml.html.fromstring(f"<table><tr>{cells}</tr></table>"))
    rows = "".join("<tr><td>1</td></tr>" for _ in range(1_000))
    wide_then_tall = f'<table><tr><td colspan="1000">x</td><td>y</td></tr>{rows}</table>'
    with pytest.raises(ReportReadError, match="1,001 rows, 1,001 columns"):
        table_grid(lxml.html.fromstring(wide_then_tall))


# --- a DOCX written from a transcription ------------------------------------------------


def _cells(values: Any) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def _table3(document: Any, report: dict[str, Any]) -> None:
    rows = report["table3"]
    printed = []
    for row in TABLE3_ROWS:
        group = row.key.split(".")[0]
        single = f"{group}.singleRow"
        if single in rows:
            if single not in printed:
                printed.append(single)
            continue
        printed.append(row.key)
    table: Table = document.add_table(rows=3 + len(printed), cols=10)
    table.cell(0, 0).merge(
        table.cell(2, 2)
    ).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    table.cell(0, 3).merge(table.cell(0, 9)).text = "申请人情况"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "自然人"
    table.cell(1, 4).merge(table.cell(1, 8)).text = "法人或其他组织"
    table.cell(1, 9).merge(table.cell(2, 9)).text = "总计"
    for i, label in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        table.cell(2, 4 + i).text = label
    labels = {r.key: r.label for r in TABLE3_ROWS}
    groups = dict(OUTCOME_GROUPS)
    results = [k for k in printed if k not in ("newReceived", "carriedOver", "carriedForward")]
    first = 3 + printed.index(results[0])
    table.cell(first, 0).merge(table.cell(first + len(results) - 1, 0)).text = "三、本年度办理结果"
    for offset, key in enumerate(printed):
        r = 3 + offset
        group, _, sub = key.partition(".")
        if key in ("newReceived", "carriedOver", "carriedForward"):
            table.cell(r, 0).merge(table.cell(r, 2)).text = labels[key]
        elif not sub or sub == "singleRow":
            table.cell(r, 1).merge(table.cell(r, 2)).text = groups[group] if sub else labels[key]
        else:
            members = [k for k in printed if k.startswith(f"{group}.")]
            if key == members[0]:
                top = r
                table.cell(top, 1).merge(table.cell(top + len(members) - 1, 1)).text = groups[group]
            table.cell(r, 2).text = labels[key][3:]
        values = rows[key]
        for c, text in enumerate(
            _cells(
                values[k]
                for k in (
                    "naturalPerson",
                    "commercial",
                    "research",
                    "social",
                    "legal",
                    "other",
                    "total",
                )
            )
        ):
            table.cell(r, 3 + c).text = text


def _table4(document: Any, report: dict[str, Any]) -> None:
    table: Table = document.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for i, head in enumerate(heads):
        table.cell(1, i).merge(table.cell(2, i)).text = head
        table.cell(2, 5 + i).text = head
        table.cell(2, 10 + i).text = head
    values = [
        report["table4"][g][p]
        for g in ("review", "litigationDirect", "litigationPostReview")
        for p in ("maintain", "correct", "other", "unfinished", "total")
    ]
    for i, text in enumerate(_cells(values)):
        table.cell(3, i).text = text


def _table2(document: Any, report: dict[str, Any]) -> None:
    t2 = report["table2"]
    table: Table = document.add_table(rows=0, cols=4)

    def row(*texts: str) -> None:
        cells = table.add_row().cells
        for i, text in enumerate(texts):
            cells[i].text = text

    row("第二十条第（一）项", "", "", "")
    row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    row("规章", *_cells(t2["regulations"][k] for k in ("made", "repealed", "valid")))
    row(
        "行政规范性文件",
        *_cells(t2["normativeDocuments"][k] for k in ("made", "repealed", "valid")),
    )
    row("信息内容", "本年处理决定数量", "", "")
    for key, label in (
        ("licensing", "行政许可"),
        ("punishment", "行政处罚"),
        ("coercion", "行政强制"),
    ):
        row(label, *_cells([t2[key]["processed"]]), "", "")
    row("信息内容", "本年收费金额（单位：万元）", "", "")
    row("行政事业性收费", *_cells([t2["fees"]["amount"]]), "", "")


def write_docx(
    stem: str, path: Path, published: str, change: Callable[[Any], None] | None = None
) -> None:
    """A DOCX in the national layout holding a transcription's title, prose and tables
    (``change`` alters the transcription first)."""
    report = json.loads((PEER / f"{stem}.json").read_text(encoding="utf-8"))
    if change is not None:
        change(report)
    document = docx.Document()
    document.add_paragraph(f"{report['unit']}{report['year']}年政府信息公开工作年度报告")
    document.add_paragraph(f"公开日期：{published}")
    by_section: dict[str, list[str]] = {}
    for prose in report["prose_numbers"].values():
        by_section.setdefault(prose["section"][:2], []).append(prose["quote"])
    for number, (title, _phrase) in zip("一二三四五六", FORMAT_2019_SECTIONS, strict=True):
        document.add_paragraph(f"{number}、{title}")
        for quote in by_section.get(f"{number}、", []):
            document.add_paragraph(quote)
        {"二": _table2, "三": _table3, "四": _table4}.get(number, lambda d, r: None)(
            document, report
        )
    document.save(str(path))


@pytest.mark.parametrize("stem", ["hongze-district-2024", "shuyang-drc-2023"])
def test_a_docx_reads_back_as_its_transcription(stem: str, tmp_path: Path) -> None:
    path = tmp_path / f"{stem}.docx"
    write_docx(stem, path, "2025-01-20")
    parsed = read_report(path)
    expected = transcription(stem)
    assert (parsed.unit, parsed.year, parsed.published) == (
        expected.unit,
        expected.year,
        dt.date(2025, 1, 20),
    )
    assert parsed.table2 == expected.table2
    assert parsed.table3 == expected.table3
    assert parsed.table4 == expected.table4

    # the same sentences give the same prose findings as the transcription
    def prose_findings(report: AnnualReport) -> list[tuple[str, dict[str, str]]]:
        return [
            (f.check, f.numbers)
            for f in check_report(report).findings
            if f.check.startswith("prose")
        ]

    assert prose_findings(parsed) == prose_findings(expected)


# --- what cannot be read ----------------------------------------------------------------


def _html(body: str) -> str:
    return f"<html><head><title>某县某局2023年政府信息公开工作年度报告</title></head><body>{body}</body></html>"


def _shuyang_page() -> str:
    return (SOURCES / "shuyang-drc-2023.html").read_text(encoding="utf-8")


def test_missing_table3_is_named(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    path.write_text(_html("<p>一、总体情况</p><p>无表格。</p>"), encoding="utf-8")
    with pytest.raises(ReportReadError, match="table 三"):
        read_report(path)


def test_missing_row_is_named(tmp_path: Path) -> None:
    page = _shuyang_page().replace("属于行政执法案卷", "属于某某事项")
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ReportReadError, match="row （三）7.属于行政执法案卷 not found"):
        read_report(path)


def test_missing_table4_is_named(tmp_path: Path) -> None:
    page = _shuyang_page().replace("政复议", "政某某")
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ReportReadError, match="table 四"):
        read_report(path)


def test_missing_title_is_named(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    path.write_text("<html><body><p>一份报告</p></body></html>", encoding="utf-8")
    with pytest.raises(ReportReadError, match="title not found"):
        read_report(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.pdf", b"not a pdf", "not a readable PDF"),
        ("r.docx", b"not a docx", "not a readable DOCX"),
        ("r.txt", b"text", "cannot read .txt"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportReadError, match=message):
        read_report(path)


def test_a_pdf_without_text_layer(tmp_path: Path) -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(out))
    with pytest.raises(ReportReadError, match="no text layer"):
        read_report(path)


@pytest.mark.parametrize(
    ("table", "value", "named"),
    [
        ("table3", "3.5", "table 三: row newReceived: 3.5 is not a count"),
        ("table3", "12345678901234", "table 三: row newReceived: 12345678901234 is not a count"),
        ("table4", "2.5", "table 四: 2.5 is not a count"),
        ("table2", "7.5", "table 二: row 规章: 7.5 is not a count"),
    ],
)
def test_a_cell_that_is_no_count_is_named_by_table_and_row(
    table: str, value: str, named: str, tmp_path: Path
) -> None:
    """A count printed as 3.5 was cut to 3 in silence, and one past 10^12 surfaced as "cannot
    read (ValueError …)" without saying where."""

    def change(report: Any) -> None:
        if table == "table3":
            report["table3"]["newReceived"]["naturalPerson"] = value
        elif table == "table4":
            report["table4"]["review"]["maintain"] = value
        else:
            report["table2"]["regulations"]["made"] = value

    path = tmp_path / "r.docx"
    write_docx("hongze-district-2024", path, "2025-01-20", change)
    with pytest.raises(ReportReadError, match=re.escape(named)):
        read_report(path)


def test_a_pdfs_compressed_streams_are_counted_before_pdfminer_inflates_them(
    tmp_path: Path,
) -> None:
    """A 408 KB PDF whose page inflated to 400 MB once took 874 MB: the zlib streams are
    inflated a piece at a time and counted first, stopping once past the limit."""
    import zlib

    from govopen_rules.annual_reports.readers.pdf_file import _inflates_in

    def _inflates_to(path: Path, limit: int) -> int:
        with path.open("rb") as file:
            return _inflates_in(file, limit)

    body = zlib.compress(b" " * 3_000_000)
    path = tmp_path / "r.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Length 5 >>\nstream\nhello\nendstream\nendobj\n"
        b"2 0 obj << /Filter /FlateDecode >>\nstream\r\n" + body + b"\nendstream\nendobj\n"
        b"3 0 obj << /Filter /FlateDecode >>\nstream\n" + zlib.compress(b"abc") + b"\nendstream\n"
    )
    assert _inflates_to(path, 10**9) == 3_000_003
    assert 1_000_000 < _inflates_to(path, 1_000_000) <= 1_000_000 + (1 << 16) + 1
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert _inflates_to(tmp_path / "empty.pdf", 100) == 0
    # found in review: the keyword ended by CR alone, or by spaces and LF, and a stream whose
    # Flate data is written as hex or ASCII85 first, each passed uncounted
    import base64

    forms = {
        "cr": b"<< /Filter /FlateDecode >>\nstream\r" + body,
        "spaces": b"<< /Filter /FlateDecode >>\nstream  \n" + body,
        "hex": b"<< /Filter [/AHx /Fl] >>\nstream\n" + body.hex().encode() + b">",
        "a85": b"<< /Filter [/ASCII85Decode /FlateDecode] >>\nstream\r\n"
        + base64.a85encode(body)
        + b"~>",
    }
    for name, form in forms.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(b"%PDF-1.4\n1 0 obj " + form + b"\nendstream\nendobj\n")
        assert _inflates_to(path, 10**9) == 3_000_000, name
    # RunLength (128 spaces per two bytes) and LZW streams are decoded and counted too
    runs = b"\x81 " * 20_000 + b"\x80"
    lzw = _lzw_literals(b"abc" * 1000)
    for name, form in {
        "rl": b"<< /Filter /RunLengthDecode >>\nstream\n" + runs,
        "lzw": b"<< /Filter [/AHx /LZW] >>\nstream\n" + lzw.hex().encode() + b">",
    }.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(b"%PDF-1.4\n1 0 obj " + form + b"\nendstream\nendobj\n")
        assert _inflates_to(path, 10**9) == (2_560_000 if name == "rl" else 3000), name
        assert _inflates_to(path, 100) <= 100 + 128, name
    # a damaged LZW stream (pdfminer's decoder raises IndexError) counts what was read: the
    # PDF is read as before, where pdfminer never decodes that stream (found in review)
    path = tmp_path / "lzw-damaged.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Filter /LZWDecode >>\nstream\n" + b"\xff" * 64
                     + b"\nendstream\nendobj\n")  # fmt: skip
    assert _inflates_to(path, 10**9) == 0


def _lzw_literals(data: bytes) -> bytes:
    """LZW codes that spell ``data`` byte by byte (9-bit codes, a clear code every 200 so the
    code width never grows), then the end code: what pdfminer's LZW decoder reads."""
    codes = []
    for start in range(0, len(data), 200):
        codes += [256, *data[start : start + 200]]
    codes.append(257)
    bits = "".join(f"{code:09b}" for code in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")
