"""Annual-report checks for people and machines: each report's findings with their numbers and
sentences, what could not be checked, and one summary row per report (text, JSON or CSV).

A report is summarised as "no problems" only when nothing was found *and* nothing was left
unverified.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from govopen_rules.annual_reports.breakdowns import StatFinding
from govopen_rules.annual_reports.folder import FileOutcome
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.annual_reports.results import ReportCheck
from govopen_rules.conversion import unstructure
from govopen_rules.reports.formatting import markdown_text, one_line

__all__ = [
    "SUMMARY_COLUMNS",
    "render_check",
    "render_csv",
    "render_findings",
    "render_json",
    "render_summary",
    "render_text",
    "summary_rows",
]

SUMMARY_COLUMNS = ("report", "unit", "year", "findings", "unverifiable", "unplaced", "errors")


def render_findings(report: AnnualReport, findings: Sequence[StatFinding]) -> str:
    """Findings alone, one block each: the check, the numbers, the sentence."""
    return render_check(ReportCheck(unit=report.unit, year=report.year, findings=tuple(findings)))


def render_check(check: ReportCheck, label: str | None = None) -> str:
    """One report: findings, unverifiable checks (grouped), unplaced numbers, notes, verdict."""
    head = f"{one_line(str(check.unit))} {check.year}年"
    if label:
        head += f"（{label}）"
    lines = [f"{head} — 统计核查 {len(check.findings)} 项发现 (findings)"]
    for finding in check.findings:
        lines.append(
            f"- [{finding.check}] {one_line(finding.where)}: {one_line(finding.message)}"
        )
        if finding.quote:
            lines.append(f"    原文: {one_line(finding.quote)}")
    if check.unverifiable:
        blank = check.blank_cells
        lines.append(
            f"无法核对 {len(check.unverifiable)} 项 (unverifiable)"
            + (f"，涉及 {len(blank)} 个空白单元格" if blank else "")
            + "："
        )
        by_check = Counter(item.check for item in check.unverifiable)
        for name, count in by_check.items():
            items = [u for u in check.unverifiable if u.check == name]
            places = "、".join(one_line(u.where) for u in items[:8]) + (
                "…" if len(items) > 8 else ""
            )
            lines.append(f"- [{name}] {count} 项：{places}")
            reasons = dict.fromkeys(u.reason for u in items)
            if len(reasons) <= 3:
                lines += [f"    {one_line(reason)}" for reason in reasons]
    if check.unplaced:
        lines.append(f"未能定位到表格的数字 {len(check.unplaced)} 个 (unplaced):")
        for item in check.unplaced:
            lines.append(f"- {item.number}（…{one_line(item.context)}…）{one_line(item.where)}")
    for note in check.notes:
        lines.append(f"注: {one_line(note)}")
    if check.clean:
        lines.append("未发现问题 (no findings)")
    elif not check.findings:
        lines.append(f"未发现问题，但有 {len(check.unverifiable)} 项无法核对，不能视为无问题")
    return "\n".join(lines)


def _label(outcome: FileOutcome) -> str:
    return outcome.path.name


def summary_rows(outcomes: Sequence[FileOutcome]) -> list[dict[str, object]]:
    """One row per file: report, unit, year, findings, unverifiable, unplaced, errors."""
    rows: list[dict[str, object]] = []
    for outcome in outcomes:
        check = outcome.check
        rows.append(
            {
                "report": _label(outcome),
                "unit": check.unit if check else "",
                "year": check.year if check else "",
                "findings": len(check.findings) if check else 0,
                "unverifiable": len(check.unverifiable) if check else 0,
                "unplaced": len(check.unplaced) if check else 0,
                "errors": 0 if outcome.error is None else 1,
            }
        )
    return rows


def render_summary(outcomes: Sequence[FileOutcome]) -> str:
    """The summary as a Markdown table, with a total line."""
    rows = summary_rows(outcomes)
    lines = [
        "| " + " | ".join(SUMMARY_COLUMNS) + " |",
        "|" + "---|" * len(SUMMARY_COLUMNS),
    ]
    lines += [
        "| " + " | ".join(markdown_text(str(row[c])) for c in SUMMARY_COLUMNS) + " |"
        for row in rows
    ]
    totals = {c: sum(int(str(row[c])) for row in rows) for c in SUMMARY_COLUMNS[3:]}
    lines.append(
        f"{len(rows)} 份报告：{totals['findings']} 项发现，{totals['unverifiable']} 项无法核对，"
        f"{totals['unplaced']} 个数字未定位，{totals['errors']} 份无法读取"
    )
    return "\n".join(lines)


def render_text(outcomes: Sequence[FileOutcome]) -> str:
    """Each report's block (or its error), then the summary when there are several."""
    blocks = []
    for outcome in outcomes:
        if outcome.check is not None:
            blocks.append(render_check(outcome.check, _label(outcome)))
        else:
            blocks.append(f"{_label(outcome)} — 无法读取 (error): {outcome.error}")
    if len(outcomes) > 1:
        blocks.append(render_summary(outcomes))
    return "\n\n".join(blocks)


def _outcome_json(outcome: FileOutcome) -> dict[str, Any]:
    data: dict[str, Any] = {"report": str(outcome.path), "error": outcome.error}
    if outcome.check is not None:
        check = outcome.check
        data.update(
            unit=check.unit,
            year=check.year,
            id=check.id,
            previous=None if outcome.previous is None else str(outcome.previous),
            clean=check.clean,
            checked=check.checked,
            findings=unstructure(list(check.findings)),
            unverifiable=unstructure(list(check.unverifiable)),
            blank_cells=list(check.blank_cells),
            unplaced=unstructure(list(check.unplaced)),
            notes=list(check.notes),
        )
    return data


def render_json(outcomes: Sequence[FileOutcome]) -> str:
    """Every report's results and the summary rows, as one JSON document."""
    payload = {
        "reports": [_outcome_json(o) for o in outcomes],
        "summary": summary_rows(outcomes),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width too
#: A number a spreadsheet reads as one, which stays as it is: ``-1``, ``-0.5``, ``+2e3``.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a unit named ``=HYPERLINK(…)`` or a file named
    ``+cmd.json`` opened as a live formula. Such text gets a leading ``'``, as OWASP advises;
    numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def render_csv(outcomes: Sequence[FileOutcome]) -> str:
    """The summary rows as CSV, text that a spreadsheet would run as a formula made inert."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in summary_rows(outcomes):
        writer.writerow({column: _csv_cell(value) for column, value in row.items()})
    return buffer.getvalue()
