"""The workbook a clerk fills in for one rubric: what each indicator needs, a sheet per fact kind.

The first sheet lists every indicator with its points and, rule by rule, what is deducted and
which sheet and columns hold the evidence; then the ``单位`` sheet and one sheet per fact kind
the rubric reads (plus ``自评分`` for self-scores), in the order the rubric first needs them.
Facts already known (a facts JSON file, a cohort) can be written into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.model import FactsFile, SelfScore
from govopen_rules.facts.workbook import (
    EMPTY_LIST,
    FIRST_ROW,
    NO,
    UNIT_COLUMNS,
    UNIT_SHEET,
    YES,
    facts_workbook,
    sheet_names,
)
from govopen_rules.reports.formatting import format_points
from govopen_rules.reports.rules import describe_deduction, describe_evidence
from govopen_rules.reports.xlsx import write_cell
from govopen_rules.rubric.compiler import CompiledRubric, CompiledRule

__all__ = ["INDEX_SHEET", "template_kinds", "template_workbook"]

INDEX_SHEET = "指标说明"
_INSTRUCTIONS = (
    "填表说明 (how to fill in)：每个工作表第1行为中文列名，第2行为字段名（请勿修改），"
    "从第3行起每行一条记录。"
    f"日期填写为 2020-10-10；是/否从下拉列表选择（{YES}/{NO}）；列表字段每行一项或以“；”分隔，"
    f"已核查但没有内容填“{EMPTY_LIST}”；留空表示未核查。“#”列为序号，可不填。"
)
_COLUMNS = (
    ("一级指标", 14),
    ("指标编号", 8),
    ("二级指标", 24),
    ("分值", 6),
    ("扣分上限", 8),
    ("规则编号", 28),
    ("扣分情形", 30),
    ("扣分标准", 30),
    ("所需证据（工作表与列）", 48),
    ("依据", 40),
)


def template_kinds(compiled: CompiledRubric) -> list[str]:
    """The fact kinds a clerk fills in for the rubric, in the order its rules first read them."""
    kinds = dict.fromkeys(rule.rule.evidence.kind for rule in compiled.rules)
    return [*kinds, SelfScore.KIND]


def template_workbook(
    compiled: CompiledRubric,
    kinds: Mapping[str, FactKind],
    *,
    units: Iterable[FactsFile] = (),
    cohort: bool = False,
    year: int | None = None,
) -> Workbook:
    """The template for ``compiled`` with ``units``' facts filled in (taken one at a time, so a
    progress bar can wrap them); ``cohort`` adds the ``unit_id`` column to the fact sheets.

    With no units, the unit row carries the year so a clerk only adds who the unit is.
    """
    book = facts_workbook(units, kinds, template_kinds(compiled), unit_column=cohort)
    unit_sheet = book[UNIT_SHEET]
    if unit_sheet.max_row < FIRST_ROW:
        year_column = UNIT_COLUMNS.index("year") + 1
        unit_sheet.cell(FIRST_ROW, year_column, year or compiled.rubric.year)
    index = book.create_sheet(INDEX_SHEET, 0)
    _write_index(index, compiled, kinds)
    book.active = 0
    return book


def _write_index(sheet: Worksheet, compiled: CompiledRubric, kinds: Mapping[str, FactKind]) -> None:
    rubric = compiled.rubric
    names = sheet_names({k: kinds[k] for k in template_kinds(compiled) if k in kinds})
    title = f"{rubric.title}（{rubric.id} v{rubric.version}，{format_points(rubric.points)}分）"
    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    source = f"依据 source: {rubric.source.document} {rubric.source.clause}".rstrip()
    write_cell(sheet, 2, 1, source)
    write_cell(sheet, 3, 1, _INSTRUCTIONS).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(_COLUMNS))
    sheet.row_dimensions[3].height = 48
    head = 5
    for col, (title, width) in enumerate(_COLUMNS, start=1):
        cell = write_cell(sheet, head, col, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[get_column_letter(col)].width = width
    row = head + 1
    by_indicator: dict[str, list[CompiledRule | None]] = {}
    for compiled_rule in compiled.rules:
        by_indicator.setdefault(compiled_rule.indicator.code, []).append(compiled_rule)
    for area in rubric.areas:
        for indicator in area.indicators:
            cap = format_points(indicator.cap) if indicator.cap is not None else ""
            for rule in by_indicator.get(indicator.code, [None]):
                values: list[str | Decimal] = [
                    f"{area.code} {area.title}",
                    indicator.code,
                    indicator.title,
                    indicator.points,
                    cap,
                ]
                if rule is not None:
                    sheet_name = names.get(rule.rule.evidence.kind, rule.rule.evidence.kind)
                    cite = rule.rule.citation
                    quote = f"「{cite.quote}」" if cite.quote else ""
                    values += [
                        rule.rule.id,
                        rule.rule.title,
                        describe_deduction(rule),
                        f"工作表「{sheet_name}」：{describe_evidence(rule, kinds)}",
                        f"{cite.document} {cite.clause} {quote}".strip(),
                    ]
                for col, value in enumerate(values, start=1):
                    cell = write_cell(sheet, row, col, value)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                row += 1
    self_scores = names.get(SelfScore.KIND, SelfScore.KIND)
    write_cell(sheet, row + 1, 1, f"自评分：每个指标一行，填入工作表「{self_scores}」。")
    sheet.freeze_panes = f"A{head + 1}"
    sheet.print_title_rows = f"{head}:{head}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
