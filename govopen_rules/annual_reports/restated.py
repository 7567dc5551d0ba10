"""Numbers the prose restates, checked against the tables they come from.

Each quantity the prose can name (:mod:`.prose`) is tied here to its table cells. A stated
number is compared with the cells' sum; a share printed beside it is recomputed from its base
(result categories: of the 办结 count the passage states, else of table 三's （七）总计;
applicant kinds: of the passage's headline count) at the printed precision; a year-on-year
change is recomputed from last year's report when it is given. "其中" sub-numbers (withdrawn
requests within 其他处理, fees by unit within the fee total) are checked as ≤ their total.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules.annual_reports.breakdowns import StatFinding, printed_reading
from govopen_rules.annual_reports.formats import APPLICANT_COLUMNS
from govopen_rules.annual_reports.prose import PassageReading, Statement, normalise, read_passage
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.annual_reports.results import Unplaced, Unverifiable
from govopen_rules.annual_reports.tables import Cell, cell, group_rows

__all__ = ["QUANTITIES", "Quantity", "RestatedResult", "check_restated"]

CellsOf = Callable[[AnnualReport, str | None], list[Cell] | None]


@attrs.frozen
class Quantity:
    """A quantity the prose names: its words for messages and the cells it restates."""

    label: str
    cells: CellsOf
    #: "closed": a share of the 办结 count; "headline": of the passage's headline count.
    share_base: str | None = None


def _t3(*rows: str, column: str = "total") -> CellsOf:
    def cells(report: AnnualReport, headline: str | None) -> list[Cell] | None:
        table = report.table3 or {}
        return [cell(table, r, column) for r in rows] if report.table3 is not None else None

    return cells


def _group(group: str) -> CellsOf:
    def cells(report: AnnualReport, headline: str | None) -> list[Cell] | None:
        if report.table3 is None:
            return None
        rows = group_rows(report.table3, group) or [f"{group}.*"]
        return [cell(report.table3, r, "total") for r in rows]

    return cells


_HEADLINE_ROWS = {
    "received": ("newReceived",),
    "received_and_carried": ("newReceived", "carriedOver"),
    "closed": ("totalProcessed",),
}


def _applicants(columns: tuple[str, ...]) -> CellsOf:
    def cells(report: AnnualReport, headline: str | None) -> list[Cell] | None:
        if report.table3 is None:
            return None
        rows = _HEADLINE_ROWS.get(headline or "received", ("newReceived",))
        return [cell(report.table3, r, c) for r in rows for c in columns]

    return cells


def _t4(*paths: str) -> CellsOf:
    def cells(report: AnnualReport, headline: str | None) -> list[Cell] | None:
        if report.table4 is None:
            return None
        out: list[Cell] = []
        for path in paths:
            group, part = path.split(".")
            row = report.table4.get(group)
            out.append((f"table4.{path}", None if row is None else getattr(row, part)))
        return out

    return cells


def _t2(row: str, field: str) -> CellsOf:
    def cells(report: AnnualReport, headline: str | None) -> list[Cell] | None:
        if report.table2 is None:
            return None
        found = report.table2.get(row)
        return [(f"table2.{row}.{field}", None if found is None else getattr(found, field))]

    return cells


def _none(report: AnnualReport, headline: str | None) -> list[Cell] | None:
    return None


QUANTITIES: Mapping[str, Quantity] = {
    "received": Quantity("本年新收申请", _t3("newReceived")),
    "received_and_carried": Quantity(
        "收办申请（新收 + 上年结转）", _t3("newReceived", "carriedOver")
    ),
    "carried_over": Quantity("上年结转", _t3("carriedOver")),
    "closed": Quantity("办结（（七）总计）", _t3("totalProcessed")),
    "carried_forward": Quantity("结转下年度", _t3("carriedForward")),
    "granted": Quantity("予以公开", _t3("granted"), "closed"),
    "partial": Quantity("部分公开", _t3("partialGrant"), "closed"),
    "granted_plus_partial": Quantity(
        "予以公开及部分公开", _t3("granted", "partialGrant"), "closed"
    ),
    "denied": Quantity("不予公开", _group("denied"), "closed"),
    "unable": Quantity("无法提供", _group("unableToProvide"), "closed"),
    "not_processed": Quantity("不予处理", _group("notProcessed"), "closed"),
    "other": Quantity("其他处理", _group("other"), "closed"),
    "natural_person": Quantity("自然人申请", _applicants(("naturalPerson",)), "headline"),
    "legal_person": Quantity("法人或其他组织申请", _applicants(APPLICANT_COLUMNS[1:]), "headline"),
    "fee_unpaid": Quantity("逾期未按收费通知缴费", _t3("other.overdueFee")),
    "review": Quantity("行政复议", _t4("review.total")),
    "litigation": Quantity("行政诉讼", _t4("litigationDirect.total", "litigationPostReview.total")),
    "review_corrected": Quantity("行政复议纠错", _t4("review.correct")),
    "litigation_corrected": Quantity(
        "行政诉讼纠错（败诉）", _t4("litigationDirect.correct", "litigationPostReview.correct")
    ),
    "regulations_made": Quantity("规章（本年制发）", _t2("regulations", "made")),
    "normative_made": Quantity("行政规范性文件（本年制发）", _t2("normativeDocuments", "made")),
    # No table cell: checked against the other numbers of their sentence.
    "withdrawn": Quantity("申请人撤回（其他处理之中）", _none, "other"),
    "fee_yuan": Quantity("信息处理费（元）", _none),
    "fee_cases": Quantity("收费件数", _none),
}


@attrs.frozen
class RestatedResult:
    """Findings, what could not be checked, unplaced numbers, and how many were compared."""

    findings: list[StatFinding]
    unverifiable: list[Unverifiable]
    unplaced: list[Unplaced]
    checked: int


@attrs.define
class _Run:
    report: AnnualReport
    previous: AnnualReport | None
    tolerance: Decimal
    findings: list[StatFinding] = attrs.Factory(list)
    unverifiable: list[Unverifiable] = attrs.Factory(list)
    unplaced: list[Unplaced] = attrs.Factory(list)
    checked: int = 0

    def finding(self, check: str, where: str, message: str, quote: str, **numbers: object) -> None:
        self.findings.append(
            StatFinding(
                check=check,
                where=where,
                message=message,
                quote=quote,
                numbers={k: str(v) for k, v in numbers.items()},
            )
        )

    def blocked(self, check: str, where: str, reason: str, blank: tuple[str, ...] = ()) -> None:
        self.unverifiable.append(
            Unverifiable(check=check, where=where, reason=reason, blank_cells=blank)
        )


def _passages(report: AnnualReport) -> Iterator[tuple[str, str, bool]]:
    """(where, text, every-number-counts) for each transcribed quote and printed passage.

    A transcriber's quote was picked for its numbers, so each of them is accounted for; a
    printed paragraph's numbers are accounted for only when it restates some table figure.
    """
    for name, prose in report.prose_numbers.items():
        yield f"prose_numbers.{name}", prose.quote, True
    for index, passage in enumerate(report.prose):
        where = f"prose[{index}]" + (f"（{passage.section}）" if passage.section else "")
        yield where, passage.text, False


def check_restated(
    report: AnnualReport, previous: AnnualReport | None = None, tolerance: Decimal = Decimal(0)
) -> RestatedResult:
    """Every number the prose restates, against the tables (and last year's report)."""
    run = _Run(report, previous, tolerance)
    for name, prose in report.prose_numbers.items():
        _check_transcription(run, f"prose_numbers.{name}", prose.quote, prose.value, prose.parts)
    for where, text, always in _passages(report):
        reading = read_passage(text)
        if reading.statements or always:
            run.unplaced += [
                Unplaced(number=n, context=c, where=where) for n, c in reading.unplaced
            ]
        _check_reading(run, where, text, reading)
    return RestatedResult(run.findings, run.unverifiable, run.unplaced, run.checked)


def _numbers_in(value: Any) -> Iterator[Decimal]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, Decimal, float)):
        yield Decimal(str(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _numbers_in(item)


def _check_transcription(
    run: _Run, where: str, quote: str, value: Decimal | None, parts: Mapping[str, Any]
) -> None:
    """A transcriber's numbers must be the sentence's: one that it does not print is flagged."""
    printed = {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", normalise(quote))}
    for number in _numbers_in([value, parts]):
        if number not in printed:
            run.finding(
                "prose_transcription",
                where,
                f"转录的数字 {number} 不在原文句子中（原文为准）",
                quote,
                transcribed=number,
            )


def _check_reading(run: _Run, where: str, quote: str, reading: PassageReading) -> None:
    headline: str | None = None
    closed: Statement | None = None
    by_quantity: dict[str, Statement] = {}
    for statement in reading.statements:
        name = statement.quantity
        quantity = QUANTITIES[name]
        if name in _HEADLINE_ROWS and name != "closed":
            headline = name
        if name == "closed":
            closed = statement
        by_quantity.setdefault(name, statement)
        cells = quantity.cells(run.report, headline)
        if cells is not None:
            _compare(run, where, quote, statement, quantity, cells)
        if statement.share is not None:
            _check_share(run, where, quote, statement, quantity, headline, closed, by_quantity)
        if statement.change is not None:
            _check_change(run, where, quote, statement, quantity, headline)
    _check_subsets(run, where, quote, reading, by_quantity)


def _compare(
    run: _Run, where: str, quote: str, statement: Statement, quantity: Quantity, cells: list[Cell]
) -> None:
    blank = tuple(path for path, value in cells if value is None)
    paths = " + ".join(path for path, _v in cells)
    if blank:
        run.blocked(
            "prose_vs_table",
            where,
            f"正文「{statement.phrase}」无法与表格核对：{', '.join(blank)} 为空",
            blank,
        )
        return
    run.checked += 1
    table = sum(v or 0 for _p, v in cells)
    if statement.value != table:
        run.finding(
            "prose_vs_table",
            where,
            f"正文称{quantity.label} {statement.value}（「{statement.phrase}」），"
            f"表格为 {table}（{paths}）",
            quote,
            prose=statement.value,
            table=table,
        )


def _base(
    run: _Run,
    quantity: Quantity,
    headline: str | None,
    closed: Statement | None,
    by_quantity: Mapping[str, Statement],
) -> tuple[Decimal, str] | tuple[None, str]:
    """The number a share is of, and its description; (None, why) when it has none."""
    if quantity.share_base == "closed":
        if closed is not None:
            return closed.value, f"正文所称办结 {closed.value}"
        cells = QUANTITIES["closed"].cells(run.report, None) or []
        if cells and all(v is not None for _p, v in cells):
            return Decimal(sum(v or 0 for _p, v in cells)), "表三（七）总计"
        return None, "办结数（表三（七）总计）为空"
    if quantity.share_base == "headline" and headline is not None:
        return by_quantity[headline].value, f"正文所称{QUANTITIES[headline].label}"
    if quantity.share_base == "other" and "other" in by_quantity:
        return by_quantity["other"].value, "正文所称其他处理"
    return None, "正文未给出这一占比的基数"


def _check_share(
    run: _Run,
    where: str,
    quote: str,
    statement: Statement,
    quantity: Quantity,
    headline: str | None,
    closed: Statement | None,
    by_quantity: Mapping[str, Statement],
) -> None:
    assert statement.share is not None
    base, described = _base(run, quantity, headline, closed, by_quantity)
    if base is None or base == 0:
        run.blocked(
            "prose_share", where, f"「{statement.phrase}（{statement.share}%）」：{described}"
        )
        return
    run.checked += 1
    exact = statement.value * 100 / base
    how = printed_reading(exact, statement.share, run.tolerance)
    if how == "half up":
        return
    shown = exact.quantize(Decimal("0.0001"))
    run.finding(
        "prose_share_rounding" if how != "mismatch" else "prose_share_mismatch",
        where,
        f"{quantity.label} {statement.value} / {base}（{described}）= {shown}%，"
        f"实印 {statement.share}%"
        + ("，任何取整方式都对不上" if how == "mismatch" else f"（{_HOW[how]}）"),
        quote,
        count=statement.value,
        base=base,
        exact=shown,
        printed=statement.share,
    )


_HOW = {"truncated": "截尾", "rounded up": "进位"}


def _check_change(
    run: _Run,
    where: str,
    quote: str,
    statement: Statement,
    quantity: Quantity,
    headline: str | None,
) -> None:
    assert statement.change is not None
    said = f"「{statement.phrase}，同比 {statement.change:+}%」"
    if run.previous is None:
        run.blocked("prose_change", where, f"{said}：上一年度的报告未提供，同比无法核算")
        return
    before_cells = quantity.cells(run.previous, headline)
    if before_cells is None:
        run.blocked("prose_change", where, f"{said}：上一年度报告中没有对应表格")
        return
    blank = tuple(f"{run.previous.year}:{p}" for p, v in before_cells if v is None)
    if blank:
        run.blocked("prose_change", where, f"{said}：上一年度对应单元格为空", blank)
        return
    before = sum(v or 0 for _p, v in before_cells)
    if before == 0:
        run.blocked("prose_change", where, f"{said}：上一年度为 0，无法计算增幅")
        return
    run.checked += 1
    exact = (statement.value - before) * 100 / before
    printed = statement.change
    how = printed_reading(abs(exact), abs(printed), run.tolerance)
    wrong_sign = exact != 0 and (exact > 0) != (printed > 0)
    if how == "half up" and not wrong_sign:
        return
    shown = exact.quantize(Decimal("0.0001"))
    run.finding(
        "prose_change",
        where,
        f"{quantity.label}：本年 {statement.value}，"
        f"上年 {before}（{run.previous.year}年报告表格），"
        f"同比 {shown:+}%，实印 {printed:+}%" + ("（增减方向相反）" if wrong_sign else ""),
        quote,
        this_year=statement.value,
        last_year=before,
        exact=shown,
        printed=printed,
    )


def _check_subsets(
    run: _Run,
    where: str,
    quote: str,
    reading: PassageReading,
    by_quantity: Mapping[str, Statement],
) -> None:
    """ "其中" numbers against their total: each at most the total (they need not add up)."""
    pairs: list[tuple[str, Decimal, Statement | None]] = []
    withdrawn = by_quantity.get("withdrawn")
    if withdrawn is not None:
        pairs.append(("申请人撤回", withdrawn.value, by_quantity.get("other")))
    if reading.fee_items:
        pairs.append(
            (
                "其中各单位收费（元）",
                sum((y for _c, y in reading.fee_items), Decimal(0)),
                by_quantity.get("fee_yuan"),
            )
        )
        pairs.append(
            (
                "其中各单位收费件数",
                sum((c for c, _y in reading.fee_items), Decimal(0)),
                by_quantity.get("fee_cases"),
            )
        )
    for label, part, total in pairs:
        if total is None:
            run.blocked("prose_subset", where, f"{label} {part}：正文未给出其总数")
            continue
        run.checked += 1
        if part > total.value:
            run.finding(
                "prose_subset",
                where,
                f"{label} {part} 大于其总数 {total.value}（「{total.phrase}」）",
                quote,
                part=part,
                total=total.value,
            )
