"""Checking one annual report: its contents, breakdowns, tables, prose, deadline and last year.

:func:`check_report` is the one entry point; it returns a :class:`~.results.ReportCheck` that
keeps findings apart from what could not be checked, so a report with blank cells is never
"no problems".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from govopen_rules.annual_reports.breakdowns import StatFinding, check_breakdown
from govopen_rules.annual_reports.formats import (
    FORMAT_2007_ITEMS,
    FORMAT_2019_SECTIONS,
    TABLE3_COLUMNS,
    Relation,
    RequiredHeadings,
    breakdown_definition,
    publication_deadline,
)
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.annual_reports.restated import check_restated
from govopen_rules.annual_reports.results import ReportCheck, Unverifiable
from govopen_rules.annual_reports.tables import (
    IdentityOutcome,
    table3_identities,
    table4_identities,
)

__all__ = ["check_report"]


class _Collector:
    def __init__(self) -> None:
        self.findings: list[StatFinding] = []
        self.unverifiable: list[Unverifiable] = []
        self.notes: list[str] = []
        self.checked = 0

    def add(
        self, check: str, where: str, message: str, quote: str | None = None, **numbers: object
    ) -> None:
        self.findings.append(
            StatFinding(
                check=check,
                where=where,
                message=message,
                quote=quote,
                numbers={k: str(v) for k, v in numbers.items()},
            )
        )

    def identity(self, outcome: IdentityOutcome) -> None:
        sums = outcome.sums
        if sums is None:
            blank = outcome.blank
            self.unverifiable.append(
                Unverifiable(
                    check=outcome.check,
                    where=outcome.where,
                    reason=f"{outcome.description}：{len(blank)} 个空白单元格",
                    blank_cells=blank,
                )
            )
            return
        self.checked += 1
        left, right = sums
        if left != right:
            self.add(
                outcome.check,
                outcome.where,
                f"{outcome.description}：{_listing(outcome.left)} = {left}，"
                f"而 {_listing(outcome.right)} = {right}",
                left=left,
                right=right,
            )


def _listing(cells: Sequence[tuple[str, int | None]]) -> str:
    """Cells as "10（maintain） + 1（correct）", each named by what tells it apart."""
    columns = {path.rsplit(".", 1)[-1] for path, _v in cells}

    def name(path: str) -> str:
        parts = path.split(".")
        return ".".join(parts[1:-1]) if len(columns) == 1 and len(cells) > 1 else parts[-1]

    shown = [(p, v) for p, v in cells if v] if len(cells) > 4 else list(cells)
    return " + ".join(f"{v}（{name(p)}）" for p, v in shown) or "0"


def check_report(
    report: AnnualReport,
    previous: AnnualReport | None = None,
    *,
    tolerance: Decimal = Decimal(0),
    headings: Sequence[RequiredHeadings] = (),
) -> ReportCheck:
    """Every finding in one report (and against last year's, when given).

    ``headings`` are regional heading sets (from the ``govopen_report_headings`` hook); those
    that apply to the report's unit, year and format are required of it.
    """
    out = _Collector()
    _check_contents(report, headings, out)
    _check_breakdowns(report, tolerance, out)
    if report.table3 is not None:
        for outcome in table3_identities(report.table3):
            out.identity(outcome)
    if report.table4 is not None:
        for outcome in table4_identities(report.table4):
            out.identity(outcome)
    restated = check_restated(report, previous, tolerance)
    out.findings += restated.findings
    out.unverifiable += restated.unverifiable
    out.checked += restated.checked
    _check_deadline(report, out)
    if previous is not None:
        _check_continuity(report, previous, out)
    return ReportCheck(
        unit=report.unit,
        year=report.year,
        id=report.id,
        findings=tuple(out.findings),
        unverifiable=tuple(out.unverifiable),
        unplaced=tuple(restated.unplaced),
        checked=out.checked,
        notes=tuple(out.notes),
    )


def _check_contents(
    report: AnnualReport, headings: Sequence[RequiredHeadings], out: _Collector
) -> None:
    if report.sections is None:
        out.notes.append("未提供章节标题：未检查章节")
        return
    present = report.sections
    if report.format == "2019":
        for title, phrase in FORMAT_2019_SECTIONS:
            if not any(phrase in heading for heading in present):
                out.add(
                    "section_missing",
                    "sections",
                    f"缺少年度报告格式（国办公开办函〔2021〕30号）规定的部分：{title}",
                    section=title,
                )
    else:
        text = "".join(p.text for p in report.prose)
        for item, phrases in FORMAT_2007_ITEMS:
            if any(p in heading for heading in present for p in phrases):
                continue
            if not text:
                out.unverifiable.append(
                    Unverifiable(
                        check="content_item",
                        where="sections",
                        reason=f"2007年条例第三十二条{item}：标题中未见，正文未提供，无法核对",
                    )
                )
            elif not any(p in text for p in phrases):
                out.add(
                    "content_missing",
                    "sections",
                    f"2007年条例第三十二条要求报告{item}，标题和正文中均未见",
                    section=item,
                )
    for required in headings:
        if not required.applies_to(report.unit, report.year, report.format):
            continue
        for title, phrase in required.headings:
            if not any(phrase in heading for heading in present):
                out.add(
                    "section_missing",
                    "sections",
                    f"缺少{required.name}要求的部分：{title}（{required.source}）",
                    section=title,
                )


def _check_breakdowns(report: AnnualReport, tolerance: Decimal, out: _Collector) -> None:
    for index, breakdown in enumerate(report.breakdowns):
        definition = breakdown_definition(breakdown.label, report.format)
        if definition is None:
            relation = Relation.SUBSETS
            out.notes.append(
                f"breakdowns[{index}] {breakdown.label}: 格式未定义为分项之和，只核对各项不超过总数"
            )
        elif definition.relation is Relation.PARTITION and not breakdown.partition:
            relation = Relation.SUBSETS  # the transcriber marked the parts as 其中 subsets
        else:
            relation = definition.relation
            if relation is Relation.UNRELATED:
                out.notes.append(
                    f"breakdowns[{index}] {breakdown.label}: 不与总数比较（{definition.why}）"
                )
        out.findings += check_breakdown(
            breakdown, where=f"breakdowns[{index}]", tolerance=tolerance, relation=relation
        )


def _check_deadline(report: AnnualReport, out: _Collector) -> None:
    if report.published is None:
        out.notes.append("未注明公开日期：未检查公布期限")
        return
    deadline = publication_deadline(report.unit, report.year)
    out.checked += 1
    if report.published > deadline.due:
        out.add(
            "late_publication",
            "published",
            f"{report.year}年度报告公开日期 {report.published}，"
            f"晚于 {deadline.due}（{deadline.clause}）",
            published=report.published,
            due=deadline.due,
        )


def _check_continuity(report: AnnualReport, previous: AnnualReport, out: _Collector) -> None:
    if report.table3 and previous.table3:
        for column, label in TABLE3_COLUMNS:
            now = report.table3.get("carriedOver")
            before = previous.table3.get("carriedForward")
            now_value = None if now is None else getattr(now, column)
            before_value = None if before is None else getattr(before, column)
            where = f"table3.carriedOver.{column}"
            if now_value is None or before_value is None:
                blank = ([where] if now_value is None else []) + (
                    [f"{previous.year}:table3.carriedForward.{column}"]
                    if before_value is None
                    else []
                )
                out.unverifiable.append(
                    Unverifiable(
                        check="carry_over",
                        where=where,
                        reason=f"「{label}」列上年结转与上一年度结转下年度：空白单元格",
                        blank_cells=tuple(blank),
                    )
                )
                continue
            out.checked += 1
            if now_value != before_value:
                out.add(
                    "carry_over",
                    where,
                    f"表三「{label}」列：{report.year}年上年结转 {now_value} ≠ "
                    f"{previous.year}年结转下年度 {before_value}",
                    this_year=now_value,
                    last_year=before_value,
                )
    if report.table2 and previous.table2:
        for name in ("regulations", "normativeDocuments"):
            now_cell, before_cell = report.table2.get(name), previous.table2.get(name)
            if now_cell is None or before_cell is None:
                continue
            values = (now_cell.valid, before_cell.valid, now_cell.made, now_cell.repealed)
            if any(v is None for v in values):
                continue
            valid, last, made, repealed = (v for v in values if v is not None)
            out.checked += 1
            if valid != last + made - repealed:
                out.add(
                    "valid_continuity",
                    f"table2.{name}",
                    f"{name}：现行有效 {valid} ≠ 上年现行有效 {last} + 制发 {made} − "
                    f"废止 {repealed} = {last + made - repealed}（启发式：清理、修订会使其不等）",
                    valid=valid,
                    expected=last + made - repealed,
                )
