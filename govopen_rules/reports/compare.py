"""A comparison as one table: each rubric's total, range and grade, then the shared baseline
rules with each rubric's verdict (plain text, Markdown, HTML and an Excel workbook).

The range is the lowest and highest total the evidence allows (every ``no_evidence`` rule
decided against the unit, then for it). A total or a verdict that a provisional calendar decided
is marked, and a note under the table names the years."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING

from govopen_rules.evaluation.compare import Comparison
from govopen_rules.evaluation.results import EvaluationResult, Status, Verdict, provisional_mark
from govopen_rules.reports.formatting import (
    STATUS_WORDS,
    format_percent,
    format_points,
    markdown_text,
    provisional_note,
)
from govopen_rules.reports.pending import NOT_YET, SCORE_RANGE_LABEL, score_range

if TYPE_CHECKING:  # openpyxl is loaded only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "comparison_html",
    "comparison_workbook",
    "render_comparison_markdown",
    "render_comparison_text",
]


def _share(result: EvaluationResult) -> str:
    if not result.points:
        return "—"
    # The share of full marks, to 1 place, half up, as a notice would print it.
    share = (result.total * 100 / result.points).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_percent(share)


def _verdicts(verdicts: tuple[Verdict, ...]) -> str:
    if not verdicts:
        return "（未纳入 not included）"
    parts = []
    for v in verdicts:
        cost = f" -{format_points(v.points)}" if v.status is Status.DEDUCTED and v.points else ""
        items = f" {'、'.join(v.items)}" if v.items else ""
        mark = provisional_mark(v.provisional_calendar_years)
        parts.append(f"{STATUS_WORDS[v.status]}{cost} ({v.indicator}){items}{mark}")
    return "; ".join(parts)


def _range(result: EvaluationResult) -> str:
    low_high = score_range(result)
    return NOT_YET if low_high is None else f"{low_high[0]}–{low_high[1]}"


def _rows(comparison: Comparison) -> list[list[str]]:
    rows = []
    for r in comparison.results:
        findings = r.findings()
        lost = sum((v.points for v in findings), Decimal(0))
        rows.append(
            [
                f"{r.rubric_id} v{r.rubric_version}",
                f"{format_points(r.total)} / {format_points(r.points)}"
                + provisional_mark(r.provisional_calendar_years),
                _range(r),
                _share(r),
                (r.grade or "—") + ("（单项否决 vetoed）" if r.vetoed else ""),
                f"{len(findings)} (-{format_points(lost)})",
            ]
        )
    return rows


_HEAD = ["rubric", "总分 total", SCORE_RANGE_LABEL, "得分率 share", "等次 grade", "问题 findings"]


def _title(comparison: Comparison) -> str:
    first = comparison.results[0]
    return f"{first.unit.name} ({first.unit.id}) {first.year} — {len(comparison.results)} rubrics"


def _notes(comparison: Comparison) -> list[str]:
    years = tuple(sorted({y for r in comparison.results for y in r.provisional_calendar_years}))
    return [provisional_note(years)] if years else []


def render_comparison_text(comparison: Comparison) -> str:
    """The comparison as aligned plain text."""
    rows = [_HEAD, *_rows(comparison)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEAD))]
    lines = [_title(comparison), ""]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append("")
    if comparison.shared:
        lines.append("共同基线规则 shared baseline rules:")
        for shared in comparison.shared:
            lines.append(f"  {shared.baseline} {shared.title}")
            for result, verdicts in zip(comparison.results, shared.verdicts, strict=True):
                lines.append(f"    {result.rubric_id}: {_verdicts(verdicts)}")
    else:
        lines.append("共同基线规则 shared baseline rules: none")
    return "\n".join(lines + _notes(comparison))


def render_comparison_markdown(comparison: Comparison) -> str:
    """The comparison as Markdown tables, every value escaped (:func:`markdown_text`): a unit
    name holding line breaks and ``|`` once forged a score table under the title."""
    lines = [f"# {markdown_text(_title(comparison))}", "", _markdown_row(_HEAD)]
    lines.append("|" + "---|" * len(_HEAD))
    lines += [_markdown_row(row) for row in _rows(comparison)]
    lines.append("")
    if comparison.shared:
        ids = [r.rubric_id for r in comparison.results]
        lines += ["## 共同基线规则 shared baseline rules", ""]
        lines.append(_markdown_row(["baseline rule", *ids]))
        lines.append("|" + "---|" * (len(ids) + 1))
        for shared in comparison.shared:
            cells = [_verdicts(v) for v in shared.verdicts]
            rule = f"`{shared.baseline}` {markdown_text(shared.title)}"  # a rule id: [a-z0-9_.]
            lines.append(f"| {rule} " + _markdown_row(cells))
        lines.append("")
    lines += [f"> {note}" for note in _notes(comparison)]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(markdown_text(cell) for cell in cells) + " |"


def _shared_rows(comparison: Comparison) -> list[list[str]]:
    return [
        [f"{shared.baseline} {shared.title}", *(_verdicts(v) for v in shared.verdicts)]
        for shared in comparison.shared
    ]


def comparison_html(comparison: Comparison) -> str:
    """The comparison as a printable page: the totals table, then the shared baseline rules."""

    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>{escape(_title(comparison))}</h1>", table(_HEAD, _rows(comparison))]
    if comparison.shared:
        ids = [r.rubric_id for r in comparison.results]
        parts += ["<h2>共同基线规则 shared baseline rules</h2>"]
        parts.append(table(["baseline rule", *ids], _shared_rows(comparison)))
    parts += [f"<p>{escape(note)}</p>" for note in _notes(comparison)]
    style = (
        "body{font-family:sans-serif;margin:12mm}table{border-collapse:collapse;margin:4mm 0}"
        "th,td{border:1px solid #999;padding:1mm 2mm;text-align:left;vertical-align:top}"
        "th{background:#ddebf7}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(_title(comparison))}</title>\n<style>{style}</style>\n</head>\n"
        f"<body>\n{chr(10).join(parts)}\n</body>\n</html>\n"
    )


def comparison_workbook(comparison: Comparison) -> Workbook:
    """The comparison as a workbook: a sheet of totals and one of shared baseline rules."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "对比 comparison"
    totals = [[_title(comparison)], _HEAD, *_rows(comparison), *([n] for n in _notes(comparison))]
    _write_rows(sheet, totals)
    shared = book.create_sheet("共同基线规则 shared")
    head = ["baseline rule", *(r.rubric_id for r in comparison.results)]
    _write_rows(shared, [head, *_shared_rows(comparison)])
    for ws in (sheet, shared):
        for column in ("A", "B", "C", "D", "E", "F"):
            ws.column_dimensions[column].width = 28
    return book


def _write_rows(sheet: Worksheet, rows: list[list[str]]) -> None:
    """Rows from the top, each cell through the guard every report workbook uses: a unit named
    ``=HYPERLINK(…)`` was a live formula here, and one holding U+0001 a traceback."""
    from govopen_rules.reports.xlsx import write_cell  # loads openpyxl

    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
