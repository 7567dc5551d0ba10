"""From a published document to the report model, by the national format's definitions.

Table rows are recognised by their printed labels (:data:`~..formats.TABLE3_ROWS`), not by
their position, so a table split across pages, merged label cells and blank cells all read the
same way. A row or table that cannot be found is an error naming it, never an empty table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from govopen_rules.annual_reports.formats import (
    OUTCOME_GROUPS,
    TABLE2_ROWS,
    TABLE3_ROWS,
    TABLE4_GROUPS,
)
from govopen_rules.annual_reports.readers.document import Grid, PublishedDocument, ReportReadError
from govopen_rules.annual_reports.report import (
    MAX_COUNT,
    AnnualReport,
    Passage,
    ReportSource,
    ReviewRow,
    Table2Cell,
    TableRow,
)

__all__ = ["build_report", "sections_and_passages"]

_TITLE = re.compile(
    r"(?:^|(?<=[：:]))([^\s，。：:；;、“”《》()（）\-|]{2,40}?)(\d{4})年度?政府信息公开(?:工作)?年度?报告"
)
_HEADING = re.compile(r"^([一二三四五六七八九十]+)[、.．]")
_NUMERALS = "一二三四五六七八九十"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_BLANK = ("", "-", "—", "－", "/", "／", "无")
_PAGE_NUMBER = re.compile(r"^[-—－]?\s*\d+\s*[-—－]?$")


def build_report(document: PublishedDocument, path: Path) -> AnnualReport:
    """The report a published document prints."""
    unit, year = _title(document, path)
    report_format = "2007" if year <= 2018 else "2019"
    sections, passages = sections_and_passages(document.lines, document.wrapped)
    table2 = table3 = table4 = None
    notes: list[str] = []
    if report_format == "2019":
        rows = list(_rows(document.grids))
        problems: list[str] = []
        try:
            table3, notes = _table3(rows, path)
        except ReportReadError as exc:
            problems.append(str(exc))
        try:
            table4 = _table4(rows, path)
        except ReportReadError as exc:
            problems.append(str(exc))
        try:
            table2 = _table2(rows, path)
        except ReportReadError as exc:
            problems.append(str(exc))
        if problems:
            raise ReportReadError("; ".join(problems))
    else:
        notes.append("2007年格式：统计表未读取，只检查内容与正文")
    return AnnualReport(
        unit=unit,
        year=year,
        id=path.stem,
        format=report_format,
        source=ReportSource(path=str(path), kind=document.kind),
        published=document.published,
        sections=tuple(sections),
        prose=tuple(passages),
        table2=table2,
        table3=table3,
        table4=table4,
        format_notes=tuple(notes),
    )


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _title(document: PublishedDocument, path: Path) -> tuple[str, int]:
    """Unit and year from the first block that begins with the report's title."""
    match = None
    for block in document.title_text.splitlines():
        match = _TITLE.search(_squash(block))
        if match is not None:
            break
    if match is None:
        raise ReportReadError(
            f"{path}: title not found (expected '<unit><year>年政府信息公开工作年度报告')"
        )
    return match.group(1), int(match.group(2))


# --- prose ----------------------------------------------------------------------------------


def sections_and_passages(lines: tuple[str, ...], wrapped: bool) -> tuple[list[str], list[Passage]]:
    """Top-level headings (一、… in sequence) and the paragraphs under each."""
    sections: list[str] = []
    passages: list[Passage] = []
    current: list[str] = []

    def flush() -> None:
        text = "".join(current).strip()
        if text:
            passages.append(Passage(text=text, section=sections[-1] if sections else None))
        current.clear()

    for raw in lines:
        line = raw.strip()
        if not line or _PAGE_NUMBER.match(line):
            continue
        heading = _HEADING.match(line)
        if heading is not None and _after(heading.group(1), sections) and len(line) <= 40:
            flush()
            sections.append(_squash(line))
            continue
        if not wrapped or re.match(r"^[（(][一二三四五六七八九十]+[）)]", line):
            flush()
        current.append(line)
        if not wrapped or line.endswith(("。", "：", ":")):
            flush()
    flush()
    return sections, passages


def _after(numeral: str, sections: list[str]) -> bool:
    """Whether a heading numbered ``numeral`` can follow the headings so far (numbers rise)."""
    if len(numeral) != 1 or numeral not in _NUMERALS:
        return False
    last = _HEADING.match(sections[-1]) if sections else None
    return last is None or _NUMERALS.index(numeral) > _NUMERALS.index(last.group(1)[:1])


# --- tables ---------------------------------------------------------------------------------

Row = tuple[str | None, ...]


def _rows(grids: tuple[Grid, ...]) -> Iterator[Row]:
    for grid in grids:
        yield from grid


def _value(text: str | None) -> tuple[bool, str | None]:
    """(is a value cell, its number as text or None when blank)."""
    cleaned = _squash(text).replace(",", "")
    if text is None or cleaned in _BLANK:
        return True, None
    return (True, cleaned) if _NUMBER.match(cleaned) else (False, None)


def _counts(values: list[str | None], where: str) -> list[int | None]:
    """The cells of a table row as counts; a cell that is no count (``3.5``, a trillion: two
    numbers run together) is an error naming the table and row, never cut to a whole number."""
    numbers: list[int | None] = []
    for text in values:
        if text is None:
            numbers.append(None)
            continue
        number = Decimal(text)
        if number != number.to_integral_value() or not 0 <= number <= MAX_COUNT:
            raise ReportReadError(
                f"{where}: {text} is not a count (a whole number from 0 to {MAX_COUNT:,})"
            )
        numbers.append(int(number))
    return numbers


def _split(row: Row, width: int) -> tuple[list[str], list[str | None]] | None:
    """(label cells, the last ``width`` cells as numbers) when the row is a data row."""
    if len(row) < width + 1:
        return None
    values: list[str | None] = []
    for text in row[-width:]:
        ok, number = _value(text)
        if not ok:
            return None
        values.append(number)
    labels = [_squash(c) for c in row[:-width] if c is not None and _squash(c)]
    if not labels or all(_NUMBER.match(label) for label in labels):
        return None
    return labels, values


def _table3_key(labels: list[str], group: str | None) -> str | None:
    specific = labels[-1]
    whole = "".join(labels)
    if "总计" in whole and "七" in whole:
        return "totalProcessed"
    for row in TABLE3_ROWS:
        if row.keywords and any(k in specific for k in row.keywords):
            return row.key
    if group == "other" and re.fullmatch(r"3[.．、]?其他", specific):
        return "other.otherReasons"
    for name, label in OUTCOME_GROUPS:
        if label[3:] in specific:
            return f"{name}.singleRow"
    for row in TABLE3_ROWS:
        if row.keywords and any(k in whole for k in row.keywords):
            return row.key
    return None


def _table3(rows: list[Row], path: Path) -> tuple[dict[str, TableRow], list[str]]:
    found: dict[str, TableRow] = {}
    group: str | None = None
    for row in rows:
        split = _split(row, 7)
        if split is None:
            continue
        labels, values = split
        for name, label in OUTCOME_GROUPS:
            if any(label[3:] in cell for cell in labels):
                group = name
        key = _table3_key(labels, group)
        if key is None:
            continue
        if key in found:
            raise ReportReadError(f"{path}: table 三: row {key} appears twice ({''.join(labels)})")
        numbers = _counts(values, f"{path}: table 三: row {key}")
        found[key] = TableRow(
            naturalPerson=numbers[0],
            commercial=numbers[1],
            research=numbers[2],
            social=numbers[3],
            legal=numbers[4],
            other=numbers[5],
            total=numbers[6],
        )
    if not found:
        raise ReportReadError(f"{path}: table 三 (收到和处理政府信息公开申请情况) not found")
    notes: list[str] = []
    for expected in TABLE3_ROWS:
        if expected.key in found:
            continue
        if f"{expected.key.split('.')[0]}.singleRow" in found:
            found[expected.key] = TableRow()  # not printed: its group is printed as one row
            continue
        raise ReportReadError(f"{path}: table 三: row {expected.label} not found")
    for name, label in OUTCOME_GROUPS:
        if f"{name}.singleRow" in found:
            notes.append(f"{label} printed as one row without sub-rows: stored as {name}.singleRow")
    return found, notes


def _table4(rows: list[Row], path: Path) -> dict[str, ReviewRow]:
    header = ""
    for row in rows:
        cells = [_squash(c) for c in row if c is not None]
        text = "".join(cells)
        if "行政复议" in text and "行政诉讼" in text:
            header = text
            continue
        if not header:
            continue
        if any(not _NUMBER.match(c) and c not in _BLANK for c in cells):
            header += text
            continue
        values = [_value(c)[1] for c in row]
        if len(values) != 15:
            raise ReportReadError(
                f"{path}: table 四: expected 15 numbers under 行政复议/行政诉讼, "
                f"found {len(values)}"
            )
        _check_table4_header(header, path)
        numbers = _counts(values, f"{path}: table 四")
        table: dict[str, ReviewRow] = {}
        for index, (group, _label) in enumerate(TABLE4_GROUPS):
            five = numbers[index * 5 : index * 5 + 5]
            table[group] = ReviewRow(
                maintain=five[0], correct=five[1], other=five[2], unfinished=five[3], total=five[4]
            )
        return table
    raise ReportReadError(f"{path}: table 四 (行政复议、行政诉讼情况) not found")


def _check_table4_header(header: str, path: Path) -> None:
    position = 0
    for phrase in ("维持", "纠正", "其他", "尚未审结", "总计"):
        found = header.find(phrase, position)
        if found < 0:
            raise ReportReadError(
                f"{path}: table 四: header column {phrase} not where the national format puts it"
            )
        position = found


def _table2(rows: list[Row], path: Path) -> dict[str, Table2Cell]:
    table: dict[str, Table2Cell] = {}
    fee_unit: str | None = None
    for row in rows:
        cells = [_squash(c) for c in row if c is not None]
        if not cells:
            continue
        unit = re.search(r"单位[：:]([^）)]+)", "".join(cells))
        if unit is not None and "收费" in "".join(cells):
            fee_unit = unit.group(1)
        for key, labels, fields in TABLE2_ROWS:
            if key in table or cells[0] not in labels:
                continue
            values = [v for ok, v in map(_value, cells[1:]) if ok]
            if len(values) < len(fields) or not any(v is not None for v in values):
                continue
            if len(fields) == 1:
                values = [next(v for v in values if v is not None)]
            if key == "fees":
                table[key] = Table2Cell(
                    amount=None if values[0] is None else Decimal(values[0]), unit=fee_unit
                )
            else:
                numbers = _counts(values[: len(fields)], f"{path}: table 二: row {labels[0]}")
                if len(fields) == 1:
                    table[key] = Table2Cell(processed=numbers[0])
                else:
                    table[key] = Table2Cell(made=numbers[0], repealed=numbers[1], valid=numbers[2])
    for key, labels, _fields in TABLE2_ROWS:
        if key not in table:
            raise ReportReadError(f"{path}: table 二: row {labels[0]} not found")
    return table
