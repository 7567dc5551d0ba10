"""The 政府信息公开工作年度报告 as data, and the checks of its structure and arithmetic.

Two formats: the 2007 条例's (sections as the 2018 保山 report lists them) and the national
format of the 2019 revision (国办公开办函〔2021〕30号: six sections, tables 二/三/四). A report
file may carry printed breakdowns (checked by :mod:`govopen_rules.annual_reports.breakdowns`), its
section headings, and the national tables; the JSON layout of the tables is the one of
``shared/peer-data/annual-reports/SCHEMA.md``. ``None`` is a blank cell and is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules.annual_reports.breakdowns import StatFinding, check_breakdown
from govopen_rules.facts.model import StatisticsBreakdown

__all__ = [
    "FORMAT_2007_SECTIONS",
    "FORMAT_2019_SECTIONS",
    "AnnualReport",
    "check_report",
]

#: The 2007 format's sections, in the words of 保山市2018年政府信息公开工作年度报告's preamble
#: ("全文包括…"); each is matched by a key phrase.
FORMAT_2007_SECTIONS = (
    ("总体公开说明", "总体"),
    ("主动公开政府信息情况", "主动公开"),
    ("重点领域政府信息公开工作情况", "重点领域"),
    ("推进“互联网+政务服务”工作情况", "互联网+政务服务"),
    ("提案议案办理结果公开情况", "提案议案"),
    ("开展政策解读情况", "政策解读"),
    ("政务舆情和社会重大关切回应情况", "舆情"),
    ("政府信息依申请公开工作详细情况", "依申请公开"),
    ("公开平台载体建设情况", "平台载体"),
    ("信息公开相关举报、复议、诉讼情况", "复议"),
    ("完善公开制度机制建设情况", "制度机制"),
    ("推进公开工作存在的问题与不足", "问题"),
    ("开展下一年度工作的初步计划安排", "计划"),
    ("其他应报告的事项", "其他"),
    ("附表", "附表"),
)
#: The national format's sections (国办公开办函〔2021〕30号).
FORMAT_2019_SECTIONS = (
    ("总体情况", "总体情况"),
    ("主动公开政府信息情况", "主动公开"),
    ("收到和处理政府信息公开申请情况", "申请"),
    ("政府信息公开行政复议、行政诉讼情况", "行政复议"),
    ("存在的主要问题及改进情况", "问题"),
    ("其他需要报告的事项", "其他"),
)

APPLICANTS = ("naturalPerson", "commercial", "research", "social", "legal", "other")
COLUMNS = (*APPLICANTS, "total")
OUTCOME_GROUPS = ("denied", "unableToProvide", "notProcessed", "other")
TABLE4_PARTS = ("maintain", "correct", "other", "unfinished")
#: Prose part names and the table-3 rows (total column) they restate.
PROSE_PARTS: Mapping[str, tuple[str, ...]] = {
    "granted": ("granted",),
    "partial": ("partialGrant",),
    "granted_plus_partial": ("granted", "partialGrant"),
    "denied": ("denied.",),
    "unable": ("unableToProvide.",),
    "not_processed": ("notProcessed.",),
    "other": ("other.",),
    "carried_forward": ("carriedForward",),
}


@attrs.frozen(kw_only=True)
class ReportSource:
    """Where the report's figures were transcribed from."""

    repo: str | None = None
    path: str | None = None
    commit: str | None = None
    kind: str | None = None
    note: str | None = None
    side: str | None = None


@attrs.frozen(kw_only=True)
class TableRow:
    """A row of table 三 (by applicant) — blank cells are None."""

    naturalPerson: int | None = None
    commercial: int | None = None
    research: int | None = None
    social: int | None = None
    legal: int | None = None
    other: int | None = None
    total: int | None = None


@attrs.frozen(kw_only=True)
class ReviewRow:
    """A group of table 四 (复议 / 诉讼)."""

    maintain: int | None = None
    correct: int | None = None
    other: int | None = None
    unfinished: int | None = None
    total: int | None = None


@attrs.frozen(kw_only=True)
class Table2Cell:
    """A row of table 二."""

    made: int | None = None
    repealed: int | None = None
    valid: int | None = None
    processed: int | None = None
    amount: Decimal | None = None
    unit: str | None = None


@attrs.frozen(kw_only=True)
class ProseNumber:
    """A number stated in the report's prose, with its sentence."""

    value: Decimal | None = None
    quote: str
    section: str | None = None
    parts: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class AnnualReport:
    """One annual report: what is printed in it, nothing derived."""

    unit: str
    year: int
    id: str | None = None
    format: str = attrs.field(default="2019", validator=attrs.validators.in_(("2007", "2019")))
    source: ReportSource | None = None
    sections: tuple[str, ...] | None = None
    breakdowns: tuple[StatisticsBreakdown, ...] = ()
    table2: dict[str, Table2Cell] | None = None
    table3: dict[str, TableRow] | None = None
    table4: dict[str, ReviewRow] | None = None
    prose_numbers: dict[str, ProseNumber] = attrs.field(factory=dict)
    previous_year_file: str | None = None
    format_notes: tuple[str, ...] = ()
    absent_cells: dict[str, str] = attrs.field(factory=dict)


Add = Callable[..., None]


def check_report(
    report: AnnualReport,
    previous: AnnualReport | None = None,
    *,
    tolerance: Decimal = Decimal(0),
) -> list[StatFinding]:
    """Every finding in one report (and against last year's, when given)."""
    findings: list[StatFinding] = []

    def add(
        check: str, where: str, message: str, quote: str | None = None, **numbers: object
    ) -> None:
        findings.append(
            StatFinding(
                check=check,
                where=where,
                message=message,
                quote=quote,
                numbers={k: str(v) for k, v in numbers.items()},
            )
        )

    _check_sections(report, add)
    for index, breakdown in enumerate(report.breakdowns):
        findings += check_breakdown(breakdown, where=f"breakdowns[{index}]", tolerance=tolerance)
    if report.table3:
        _check_table3(report.table3, add)
        _check_prose(report, add)
    if report.table4:
        _check_table4(report.table4, add)
    if previous is not None:
        _check_continuity(report, previous, add)
    return findings


def _check_sections(report: AnnualReport, add: Add) -> None:
    if report.sections is None:
        return
    required = FORMAT_2007_SECTIONS if report.format == "2007" else FORMAT_2019_SECTIONS
    for title, key in required:
        if not any(key in heading for heading in report.sections):
            add(
                "section_missing",
                "sections",
                f"缺少{report.format}年格式要求的部分：{title}",
                section=title,
            )


def _cell(table: Mapping[str, TableRow], row: str, column: str) -> int | None:
    found = table.get(row)
    return None if found is None else getattr(found, column)


def _rows_starting(table: Mapping[str, TableRow], prefix: str) -> list[str]:
    return [name for name in table if name == prefix or name.startswith(prefix)]


def _sum(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _outcome_rows(table: Mapping[str, TableRow]) -> list[str]:
    """The result rows that add up to （七）总计; a group printed as one row counts once."""
    rows = ["granted", "partialGrant"]
    for group in OUTCOME_GROUPS:
        single = f"{group}.singleRow"
        rows += [single] if single in table else _rows_starting(table, f"{group}.")
    return rows


def _check_table3(table: Mapping[str, TableRow], add: Add) -> None:
    outcomes = _outcome_rows(table)
    for column in COLUMNS:
        parts = _sum([_cell(table, r, column) for r in outcomes])
        total = _cell(table, "totalProcessed", column)
        if parts is not None and total is not None and parts != total:
            add(
                "table3_outcomes",
                f"table3.{column}",
                f"表三 {column} 列：各办理结果之和 {parts} ≠ （七）总计 {total}",
                parts_sum=parts,
                total=total,
            )
        received = _sum([_cell(table, "newReceived", column), _cell(table, "carriedOver", column)])
        handled = _sum([total, _cell(table, "carriedForward", column)])
        if received is not None and handled is not None and received != handled:
            add(
                "table3_balance",
                f"table3.{column}",
                f"表三 {column} 列：本年新收+上年结转 = {received} ≠ "
                f"办理结果总计+结转下年度 = {handled}",
                received=received,
                handled=handled,
            )
    for row in table:
        applicants = _sum([_cell(table, row, c) for c in APPLICANTS])
        total = _cell(table, row, "total")
        if applicants is not None and total is not None and applicants != total:
            add(
                "table3_columns",
                f"table3.{row}",
                f"表三 {row} 行：各申请人列之和 {applicants} ≠ 总计 {total}",
                parts_sum=applicants,
                total=total,
            )


def _check_table4(table: Mapping[str, ReviewRow], add: Add) -> None:
    for name, row in table.items():
        parts = _sum([getattr(row, p) for p in TABLE4_PARTS])
        if parts is not None and row.total is not None and parts != row.total:
            add(
                "table4_total",
                f"table4.{name}",
                f"表四 {name}：维持+纠正+其他+尚未审结 = {parts} ≠ 总计 {row.total}",
                parts_sum=parts,
                total=row.total,
            )


def _table3_total(table: Mapping[str, TableRow], prefixes: tuple[str, ...]) -> int | None:
    rows = [r for p in prefixes for r in (_rows_starting(table, p) if p.endswith(".") else [p])]
    return _sum([_cell(table, r, "total") for r in rows]) if rows else None


def _check_prose(report: AnnualReport, add: Add) -> None:
    table = report.table3 or {}
    for name, prose in report.prose_numbers.items():
        stated: list[tuple[str, object, int | None]] = []
        if name == "received" and prose.value is not None:
            stated.append(("value", prose.value, _cell(table, "newReceived", "total")))
        for part, rows in PROSE_PARTS.items():
            if part in prose.parts:
                stated.append((part, prose.parts[part], _table3_total(table, rows)))
        for part, value, cell in stated:
            if cell is not None and isinstance(value, (int, Decimal)) and Decimal(value) != cell:
                add(
                    "prose_vs_table",
                    f"prose_numbers.{name}.{part}",
                    f"正文称 {part} 为 {value}，表三对应数为 {cell}",
                    quote=prose.quote,
                    prose=value,
                    table=cell,
                )


def _check_continuity(report: AnnualReport, previous: AnnualReport, add: Add) -> None:
    if report.table3 and previous.table3:
        for column in COLUMNS:
            now = _cell(report.table3, "carriedOver", column)
            before = _cell(previous.table3, "carriedForward", column)
            if now is not None and before is not None and now != before:
                add(
                    "carry_over",
                    f"table3.carriedOver.{column}",
                    f"{report.year}年上年结转 {now} ≠ {previous.year}年结转下年度 {before}",
                    this_year=now,
                    last_year=before,
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
            if valid != last + made - repealed:
                add(
                    "valid_continuity",
                    f"table2.{name}",
                    f"{name}：现行有效 {valid} ≠ 上年现行有效 {last} + 制发 {made} − "
                    f"废止 {repealed} = {last + made - repealed}（启发式：清理、修订会使其不等）",
                    valid=valid,
                    expected=last + made - repealed,
                )
