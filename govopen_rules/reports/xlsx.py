"""Results as Excel workbooks, laid out for printing: one unit's breakdown, or a cohort's 通报.

Every sheet has a frozen header row that repeats on each printed page, column widths that fit
Chinese text, A4 landscape fitted to the page width, and numbers formatted with the precision
the rubric's points need (0.5 and 0.1 → one decimal), never rounded away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govopen_rules.evaluation.cohort import CohortResult
from govopen_rules.evaluation.results import (
    Effect,
    EvaluationResult,
    EvidenceRef,
    Status,
    Verdict,
    provisional_mark,
)
from govopen_rules.facts.workbook import MAX_CELL_TEXT
from govopen_rules.reports.formatting import (
    STATUS_WORDS,
    format_points,
    message_with_items,
    printable,
    provisional_note,
)
from govopen_rules.reports.pending import (
    NOT_YET,
    PUBLISHED_LABEL,
    SCORE_RANGE_LABEL,
    agreement_word,
    published_tier,
    score_range,
)
from govopen_rules.rubric.model import Rubric

__all__ = ["CELL_LIMIT", "cohort_workbook", "result_workbook", "write_cell"]

#: The ranking's column for the provisional calendar years a unit's result used.
PROVISIONAL_LABEL = "临时日历 provisional calendar"
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOP = Border(top=Side(style="thin", color="999999"))
_WRAP = Alignment(wrap_text=True, vertical="top")

Value = str | int | Decimal | None
Row = Sequence[Value]


def _decimals(values: Iterable[Decimal]) -> int:
    """The decimal places needed to print every value exactly."""
    places = [-int(v.normalize().as_tuple().exponent) for v in values if v == v]
    return max([0, *places])


def _number_format(places: int) -> str:
    return "0" if places == 0 else "0." + "0" * places


#: The most characters an Excel cell holds (counted as Excel counts them, in UTF-16 units):
#: openpyxl cuts longer text there without a word, and a 3,000-unit tier list ended mid-name.
CELL_LIMIT = MAX_CELL_TEXT


def _cut_marker(left_out: int) -> str:
    return f"…（另有 {left_out} 字未列出 / {left_out} more characters not shown）"


def _fit(text: str) -> str:
    """``text``, or as much of it as a cell holds ended by a marker saying how much was left
    out, so that no reader takes a cut list for a whole one."""
    if len(text) * 2 <= CELL_LIMIT:  # no code point is more than two UTF-16 units
        return text
    encoded = text.encode("utf-16-le")
    if len(encoded) <= CELL_LIMIT * 2:
        return text
    room = CELL_LIMIT - len(_cut_marker(len(text)).encode("utf-16-le")) // 2
    head = encoded[: room * 2].decode("utf-16-le", "ignore")  # never half a surrogate pair
    return head + _cut_marker(len(text) - len(head))


def _cell_value(value: Any) -> Any:
    """What a cell can hold: text without a surrogate or a control character, which no
    worksheet takes (openpyxl refuses them), each written as its escape (``\\ud800``,
    ``\\x01``) so a name quoted in a report never ends the report; text longer than a cell
    holds is cut visibly (:data:`CELL_LIMIT`)."""
    if type(value) is not str:
        return value
    return _fit(printable(value))  # escapes every character openpyxl refuses


def _text_cell(cell: Any) -> Any:
    """Text stays text: a unit named ``=HYPERLINK(…)`` was written as a live formula, and one
    named ``#N/A`` would be an error value."""
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"
    return cell


def write_cell(sheet: Worksheet, row: int, column: int, value: Value) -> Cell:
    """Write ``value`` to a cell as every report workbook does: text stays text (never a
    formula), characters no worksheet takes are escaped, and text too long is cut visibly."""
    cell: Cell = _text_cell(sheet.cell(row, column, _cell_value(value)))
    return cell


class _Table:
    """One sheet: a title block, a header row that is frozen and printed on every page."""

    def __init__(self, sheet: Worksheet, titles: Sequence[str], columns: Sequence[tuple[str, int]]):
        self.sheet = sheet
        for row, text in enumerate(titles, start=1):
            cell = write_cell(sheet, row, 1, text)
            cell.font = Font(bold=row == 1, size=13 if row == 1 else 11)
        self.head = len(titles) + 1
        for col, (title, width) in enumerate(columns, start=1):
            cell = write_cell(sheet, self.head, col, title)
            cell.font = Font(bold=True)
            cell.fill = _HEAD_FILL
            cell.alignment = _WRAP
            sheet.column_dimensions[get_column_letter(col)].width = width
        self.row = self.head + 1
        sheet.freeze_panes = f"A{self.head + 1}"
        sheet.print_title_rows = f"{self.head}:{self.head}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    def add(
        self,
        values: Row,
        *,
        number_format: str | None = None,
        numbers: Sequence[int] = (),
        bold: bool = False,
        rule_above: bool = False,
    ) -> None:
        for col, value in enumerate(values, start=1):
            cell = write_cell(self.sheet, self.row, col, value)
            cell.alignment = _WRAP
            if bold:
                cell.font = Font(bold=True)
            if rule_above:
                cell.border = _TOP
            if number_format and col in numbers:
                cell.number_format = number_format
        self.row += 1


# --- one unit ----------------------------------------------------------------------------------

_BREAKDOWN = (
    ("一级指标", 14),
    ("指标编号", 8),
    ("指标", 22),
    ("分值", 7),
    ("得分", 7),
    (SCORE_RANGE_LABEL, 10),
    ("自评分", 7),
    ("规则", 26),
    ("结论", 8),
    ("扣分", 7),
    ("问题", 30),
    ("证据", 44),
    ("依据", 40),
    ("假定参数", 16),
)
_FINDINGS = (Status.DEDUCTED, Status.NO_EVIDENCE)


def _evidence(refs: Sequence[EvidenceRef], locations: Sequence[str] | None) -> str:
    lines = []
    for ref in refs:
        shown = ", ".join(f"{k}={v}" for k, v in ref.values.items())
        where = f"facts[{ref.fact_index}]"
        if locations is not None and ref.fact_index < len(locations):
            where = locations[ref.fact_index]
        lines.append(
            f"{where} {ref.kind}: {shown}{provisional_mark(ref.provisional_calendar_years)}"
        )
    return "\n".join(lines)


def _citation(v: Verdict) -> str:
    quote = f"「{v.citation.quote}」" if v.citation.quote else ""
    return f"{v.citation.document} {v.citation.clause} {quote}".strip()


def _range_text(low_high: tuple[str, str] | None) -> str:
    return f"{low_high[0]}–{low_high[1]}" if low_high is not None else NOT_YET


def result_workbook(
    result: EvaluationResult,
    rubric: Rubric | None = None,
    *,
    locations: Sequence[str] | None = None,
) -> Workbook:
    """One unit's result: a breakdown sheet (every indicator, its findings with evidence and
    citation) and an assumptions sheet. ``rubric`` adds the parameters' notes; ``locations``
    names the workbook row of each fact (as read by the facts workbook reader)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "得分明细"
    _write_breakdown(sheet, result, locations)
    _write_assumptions(book.create_sheet("假定参数"), result, rubric)
    return book


def _summary(result: EvaluationResult) -> str:
    text = f"总分 total {format_points(result.total)} / {format_points(result.points)}"
    text += f"　{SCORE_RANGE_LABEL} {_range_text(score_range(result))}"
    if result.grade:
        text += f"　等次 grade {result.grade}"
    if result.vetoed:
        text += "　单项否决 VETOED"
    return text


def _write_breakdown(
    sheet: Worksheet, result: EvaluationResult, locations: Sequence[str] | None
) -> None:
    unit = result.unit
    note = provisional_note(result.provisional_calendar_years)
    table = _Table(
        sheet,
        [
            f"{unit.name}（{unit.id}）— {result.rubric_id} v{result.rubric_version}",
            _summary(result),
            *([note] if note else []),
        ],
        _BREAKDOWN,
    )
    places = _decimals(
        [result.total, result.points]
        + [v for a in result.areas for i in a.indicators for v in (i.points, i.score)]
        + [v.points for v in result.verdicts()]
    )
    fmt = _number_format(places)
    numbers = (4, 5, 7, 10)
    for area in result.areas:
        for ind in area.indicators:
            findings = [v for v in ind.verdicts if v.status in _FINDINGS]
            head: list[Value] = [
                f"{area.code} {area.title}",
                ind.code,
                ind.title,
                ind.points,
                ind.score,
                _range_text(score_range(result, ind)),
                ind.self_score,
            ]
            if not findings:
                table.add(
                    [*head, "", "无问题"], number_format=fmt, numbers=numbers, rule_above=True
                )
            for n, v in enumerate(findings):
                costs = v.points if v.status is Status.DEDUCTED or v.points else None
                table.add(
                    [
                        *(head if n == 0 else [""] * len(head)),
                        f"{v.rule_id}\n{v.title}",
                        STATUS_WORDS[v.status] + ("（否决）" if v.effect is Effect.VETO else ""),
                        costs,
                        message_with_items(v),
                        _evidence(v.evidence, locations),
                        _citation(v),
                        "、".join(v.assumptions),
                    ],
                    number_format=fmt,
                    numbers=numbers,
                    rule_above=n == 0,
                )
    total: list[Value] = [
        "合计 total",
        "",
        "",
        result.points,
        result.total,
        _range_text(score_range(result)),
    ]
    table.add(total, number_format=fmt, numbers=numbers, bold=True, rule_above=True)
    if result.bonus:
        table.add(["其中加分 bonus", "", "", "", result.bonus], number_format=fmt, numbers=(5,))


def _write_assumptions(sheet: Worksheet, result: EvaluationResult, rubric: Rubric | None) -> None:
    table = _Table(
        sheet,
        [f"假定参数 assumed parameters — {result.rubric_id} v{result.rubric_version}"],
        (("参数", 24), ("取值", 10), ("说明", 50), ("依据", 40), ("使用的规则", 40)),
    )
    used: dict[str, list[str]] = {}
    for v in result.verdicts():
        for name in v.assumptions:
            used.setdefault(name, []).append(v.rule_id)
    if not result.assumed_parameters:
        table.add(["本细则没有假定参数 (none)"])
    for name in result.assumed_parameters:
        declared = rubric.parameters.get(name) if rubric is not None else None
        cite = ""
        if declared is not None and declared.citation is not None:
            cite = f"{declared.citation.document} {declared.citation.clause}".strip()
        note = declared.note if declared is not None else ""
        table.add([name, result.parameters.get(name), note, cite, "\n".join(used.get(name, []))])


# --- a cohort ----------------------------------------------------------------------------------


def cohort_workbook(cohort: CohortResult) -> Workbook:
    """A cohort in the layout of a 通报: the tier table of each group (count, share, units), the
    ranking with one row per unit, every unit's findings, and the units not evaluated."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "等次"
    heading = f"{cohort.rubric_id} v{cohort.rubric_version}（{cohort.region} {cohort.year}）"
    _write_tiers(sheet, cohort, heading)
    _write_ranking(book.create_sheet("排名"), cohort, heading)
    _write_cohort_findings(book.create_sheet("问题清单"), cohort, heading)
    if cohort.failures:
        table = _Table(
            book.create_sheet("未评估"),
            [f"未能评估的单位 units not evaluated — {heading}"],
            (("序号", 6), ("单位编号", 14), ("单位", 20), ("问题", 80)),
        )
        for failure in cohort.failures:
            who = [failure.index + 1, failure.unit_id, failure.name]
            table.add([*who, "\n".join(failure.errors)])
    return book


def _write_tiers(sheet: Worksheet, cohort: CohortResult, heading: str) -> None:
    note = provisional_note(cohort.provisional_calendar_years)
    table = _Table(
        sheet,
        [f"等次 tiers — {heading}", *([note] if note else [])],
        (("等次", 10), ("数量", 8), ("占比", 10), ("单位", 90)),
    )
    shares = [t.share for g in cohort.groups for t in g.tiers]
    share_format = _number_format(_decimals(shares)) + "%"
    for group in cohort.groups:
        table.add([f"{group.name}（{group.size}个）"], bold=True, rule_above=True)
        for tier in group.tiers:
            table.add(
                [tier.label, tier.count, tier.share / 100, "、".join(tier.members)],
                number_format=share_format,
                numbers=(3,),
            )
        for warning in group.warnings:
            table.add([f"注意 warning: {warning}"])
    if cohort.ungrouped:
        table.add([f"未分组单位 ungrouped: {'、'.join(cohort.ungrouped)}"], rule_above=True)


def _write_ranking(sheet: Worksheet, cohort: CohortResult, heading: str) -> None:
    published = {
        p.unit_id: published_tier(cohort, p.unit_id) for g in cohort.groups for p in g.placements
    }
    compare = any(tier is not None for tier in published.values())
    columns = [("分组", 20), ("名次", 6), ("单位编号", 14), ("单位", 20), ("得分", 8)]
    columns += [(SCORE_RANGE_LABEL, 12), ("等次", 10)]
    if compare:
        columns += [(PUBLISHED_LABEL, 12), ("一致", 6)]
    provisional = bool(cohort.provisional_calendar_years)
    if provisional:
        columns += [(PROVISIONAL_LABEL, 24)]
    table = _Table(sheet, [f"排名 ranking — {heading}"], columns)
    places = _decimals([p.total for g in cohort.groups for p in g.placements])
    for group in cohort.groups:
        for n, p in enumerate(group.placements):
            values: list[Value] = [group.name, p.rank, p.unit_id, p.name, p.total]
            ends = (format_points(p.low), format_points(p.high))  # results may be streamed out
            values += [_range_text(ends), p.tier or NOT_YET]
            if compare:
                tier = published[p.unit_id]
                values += [
                    tier or NOT_YET,
                    agreement_word(cohort, p.unit_id),
                ]
            if provisional:
                values.append(provisional_mark(p.provisional_calendar_years).strip())
            table.add(values, number_format=_number_format(places), numbers=(5,), rule_above=n == 0)


def _write_cohort_findings(sheet: Worksheet, cohort: CohortResult, heading: str) -> None:
    table = _Table(
        sheet,
        [f"问题清单 findings — {heading}"],
        (
            ("单位", 20),
            ("指标", 8),
            ("规则", 26),
            ("结论", 8),
            ("扣分", 7),
            ("问题", 40),
            ("依据", 40),
        ),
    )
    places = _decimals([v.points for r in cohort.results for v in r.findings()])
    for result in cohort.results:
        for n, v in enumerate(result.findings()):
            table.add(
                [
                    result.unit.name if n == 0 else "",
                    v.indicator,
                    v.rule_id,
                    STATUS_WORDS[v.status],
                    v.points,
                    message_with_items(v),
                    _citation(v),
                ],
                number_format=_number_format(places),
                numbers=(5,),
                rule_above=n == 0,
            )
