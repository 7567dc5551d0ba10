"""Facts in an Excel workbook: the sheets a clerk fills in, written and read back exactly.

Layout (every sheet the same way, so a clerk learns it once):

- sheet ``单位``: one row per unit (``id``, ``name``, ``kind``, ``category``, ``parent``,
  ``year``, ``as_of``); one row for a single unit, several for a cohort;
- one sheet per fact kind, named by the kind's Chinese title (or its name): row 1 holds the
  Chinese column headers, row 2 the field names (which the reader goes by, so columns may be
  moved), data from row 3; column ``#`` (序号) is the fact's position in its facts file,
  optional when filling in; in a cohort workbook column ``unit_id`` names each fact's unit;
- any sheet whose cell A2 is not ``#`` (instructions, an indicator list) is not read.

Cells: dates as Excel dates or ``YYYY-MM-DD`` text; yes/no as 是/否 (or TRUE/FALSE); lists with
one item per line or separated by ``；``, and ``无`` for a list checked and found empty; a
blank cell is "not observed". Decimals keep their written digits (``"0.10"`` stays 0.10).

Every problem names its sheet, cell and field: ``依申请公开!D7: received_on: '2020-13-01' is
not a date (YYYY-MM-DD)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import attrs
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govopen_rules.archives import unpacked_size
from govopen_rules.conversion import structure_as, unstructure
from govopen_rules.errors import FactsValidationError, Problem
from govopen_rules.exact import parse_decimal
from govopen_rules.facts.identity import identifying_fields
from govopen_rules.facts.kinds import FactKind, FieldType, field_type_of
from govopen_rules.facts.labels import UNIT_LABELS, field_label
from govopen_rules.facts.model import UNIT_KINDS, FactsFile, Unit

__all__ = [
    "MAX_CELL_TEXT",
    "MAX_UNPACKED_BYTES",
    "UNIT_COLUMNS",
    "UNIT_SHEET",
    "FactsWorkbook",
    "facts_workbook",
    "read_facts_workbook",
    "sheet_names",
]

UNIT_SHEET = "单位"
POSITION = "#"  # the 序号 column: a fact's position in its facts file, 1-based
UNIT_COLUMN = "unit_id"  # in cohort workbooks: the unit a fact belongs to
HEADER_ROW, FIELD_ROW, FIRST_ROW = 1, 2, 3
YES, NO, EMPTY_LIST = "是", "否", "无"
_SPLIT = re.compile(r"[\n；;]")
_VALIDATED_ROWS = 2000  # data validation covers this many rows below the headers
_UNIT_FIELDS = {
    "id": FieldType.STR,
    "name": FieldType.STR,
    "kind": FieldType.STR,
    "category": FieldType.STR,
    "parent": FieldType.STR,
    "year": FieldType.INT,
    "as_of": FieldType.DATE,
}
#: The columns of the ``单位`` sheet.
UNIT_COLUMNS = tuple(_UNIT_FIELDS)
_TEXT = {FieldType.STR, FieldType.STR_LIST, FieldType.DATE_LIST, FieldType.NESTED}


@attrs.frozen(kw_only=True)
class FactsWorkbook:
    """What a workbook holds: one facts mapping per unit, as a facts JSON file would.

    ``locations[u][i]`` says where fact ``i`` of unit ``u`` was read (``政策解读!7``), so a
    report can point a clerk at the row behind a piece of evidence.
    """

    units: tuple[dict[str, Any], ...]
    locations: tuple[tuple[str, ...], ...]


# --- the layout --------------------------------------------------------------------------------


def sheet_names(kinds: Mapping[str, FactKind]) -> dict[str, str]:
    """Kind name → sheet name, as the writer names sheets for kinds in this order."""
    taken = {UNIT_SHEET}
    names: dict[str, str] = {}
    for name, kind in kinds.items():
        names[name] = _sheet_title(name, kind, taken)
        taken.add(names[name])
    return names


def _sheet_title(name: str, kind: FactKind, taken: set[str]) -> str:
    """The kind's Chinese title where it is a usable sheet name not yet taken, else its name."""
    title = kind.title
    usable = 0 < len(title) <= 31 and not set(title) & set("[]:*?/\\")
    return title if usable and title not in taken else name[:31]


@functools.cache
def _field_types(cls: type) -> dict[str, tuple[FieldType, bool]]:
    hints = typing.get_type_hints(cls)
    return {f.name: field_type_of(hints[f.name]) for f in attrs.fields(cls)}


def _column_order(cls: type) -> list[str]:
    """Identifying fields first, then the class's order, where it was seen and notes last."""
    names = [f.name for f in attrs.fields(cls)]
    first = list(identifying_fields(cls))
    last = [n for n in ("source", "note") if n in names]
    return first + [n for n in names if n not in first and n not in last] + last


def _options(cls: type, name: str) -> tuple[str, ...] | None:
    field = attrs.fields_dict(cls)[name]
    options = getattr(field.validator, "options", None)
    return tuple(str(o) for o in options) if options is not None else None


# --- writing -----------------------------------------------------------------------------------

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIELD_FONT = Font(italic=True, color="666666", size=9)
_FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")


def facts_workbook(
    units: Iterable[FactsFile],
    kinds: Mapping[str, FactKind],
    sheet_kinds: Iterable[str] = (),
    *,
    unit_column: bool,
) -> Workbook:
    """A workbook holding ``units``: a sheet for each of ``sheet_kinds``, then one for each
    other kind as it first appears. ``unit_column`` adds ``unit_id`` to the fact sheets (a
    cohort workbook). Units are taken one at a time, so a progress bar can wrap them.

    Raises ValueError naming the fact and field a cell cannot hold exactly.
    """
    book = Workbook()
    unit_sheet = book.active
    assert isinstance(unit_sheet, Worksheet)
    _start_unit_sheet(unit_sheet)
    writer = _FactSheets(book, kinds, unit_column)
    for kind_name in sheet_kinds:
        writer.sheet(kind_name)
    for unit_row, unit in enumerate(units, start=FIRST_ROW):
        _write_unit(unit_sheet, unit_row, unit)
        for position, fact in enumerate(unit.facts, start=1):
            try:
                writer.write(unit.unit.id, position, fact)
            except ValueError as exc:
                raise ValueError(f"{unit.unit.id} facts[{position - 1}].{exc}") from None
    return book


class _FactSheets:
    """The fact sheets of a workbook being written, created in the order kinds are needed."""

    def __init__(self, book: Workbook, kinds: Mapping[str, FactKind], unit_column: bool) -> None:
        self.book = book
        self.kinds = kinds
        self.unit_column = unit_column
        self.taken = {UNIT_SHEET}
        self.sheets: dict[str, tuple[Worksheet, list[str], int]] = {}
        self.next_row: dict[str, int] = {}

    def sheet(self, kind_name: str) -> tuple[Worksheet, list[str], int]:
        found = self.sheets.get(kind_name)
        if found is not None:
            return found
        kind = self.kinds.get(kind_name)
        if kind is None:
            raise ValueError(f"kind: unknown fact kind {kind_name!r}")
        title = _sheet_title(kind_name, kind, self.taken)
        self.taken.add(title)
        sheet = self.book.create_sheet(title)
        columns = _column_order(kind.cls)
        lead = [POSITION, *([UNIT_COLUMN] if self.unit_column else [])]
        labels = ["序号", *(["单位编号"] if self.unit_column else [])]
        _write_head(
            sheet, [*labels, *(field_label(kind.cls, c) for c in columns)], [*lead, *columns]
        )
        types = _field_types(kind.cls)
        for col, name in enumerate(columns, start=len(lead) + 1):
            ftype = types[name][0]
            _validate(sheet, col, ftype, _options(kind.cls, name))
            if ftype in _TEXT:
                _text_format(sheet, col)
        self.sheets[kind_name] = (sheet, columns, len(lead) + 1)
        self.next_row[kind_name] = FIRST_ROW
        return self.sheets[kind_name]

    def write(self, unit_id: str, position: int, fact: object) -> None:
        cls: type = type(fact)
        kind_name = cls.KIND  # type: ignore[attr-defined]  # every fact class declares KIND
        sheet, columns, first = self.sheet(kind_name)
        row = self.next_row[kind_name]
        self.next_row[kind_name] = row + 1
        sheet.cell(row, 1, position)
        if self.unit_column:
            _put(sheet.cell(row, 2), unit_id)
        types = _field_types(cls)
        fields = attrs.fields_dict(cls)
        for col, name in enumerate(columns, start=first):
            try:
                _put_value(sheet.cell(row, col), getattr(fact, name), types[name][0], fields[name])
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None


def _write_head(sheet: Worksheet, labels: Sequence[str], fields: Sequence[str]) -> None:
    for col, (label, name) in enumerate(zip(labels, fields, strict=True), start=1):
        head = sheet.cell(HEADER_ROW, col, label)
        head.font, head.fill = _HEAD_FONT, _HEAD_FILL
        head.alignment = Alignment(wrap_text=True, vertical="top")
        field = sheet.cell(FIELD_ROW, col, name)
        field.font, field.fill = _FIELD_FONT, _FIELD_FILL
        width = max(len(label) * 2 + 2, len(name) + 2, 8)
        sheet.column_dimensions[get_column_letter(col)].width = min(width, 40)
    sheet.freeze_panes = f"B{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{FIELD_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _start_unit_sheet(sheet: Worksheet) -> None:
    sheet.title = UNIT_SHEET
    _write_head(sheet, [UNIT_LABELS[n] for n in UNIT_COLUMNS], UNIT_COLUMNS)
    for col, name in enumerate(UNIT_COLUMNS, start=1):
        options = UNIT_KINDS if name == "kind" else None
        _validate(sheet, col, _UNIT_FIELDS[name], options)
        if _UNIT_FIELDS[name] is FieldType.STR:
            _text_format(sheet, col)


def _write_unit(sheet: Worksheet, row: int, facts_file: FactsFile) -> None:
    values = attrs.asdict(facts_file.unit)
    values |= {"year": facts_file.year, "as_of": facts_file.as_of}
    for col, name in enumerate(UNIT_COLUMNS, start=1):
        try:
            _put_value(sheet.cell(row, col), values[name], _UNIT_FIELDS[name], None)
        except ValueError as exc:  # named as a fact's field is
            raise ValueError(f"{facts_file.unit.id} unit.{name}: {exc}") from None


def _text_format(sheet: Worksheet, col: int) -> None:
    """Text columns stay text when typed into: Excel would turn ``2020-1`` into a date."""
    sheet.column_dimensions[get_column_letter(col)].number_format = "@"


def _validate(sheet: Worksheet, col: int, ftype: FieldType, options: Sequence[str] | None) -> None:
    """Excel's own data validation: a list for enumerations and yes/no, dates, whole numbers."""
    rule: DataValidation | None = None
    if options is not None:
        rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"')
        rule.error = f"请选择：{'、'.join(options)}"
    elif ftype is FieldType.BOOL:
        rule = DataValidation(type="list", formula1=f'"{YES},{NO}"')
        rule.error = f"请选择 {YES} 或 {NO}"
    elif ftype is FieldType.DATE:
        rule = DataValidation(
            type="date", operator="between", formula1="DATE(1990,1,1)", formula2="DATE(2100,12,31)"
        )
        rule.error = "请填写日期，如 2020-10-10"
    elif ftype is FieldType.INT:
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        rule.error = "请填写整数"
    if rule is None:
        return
    rule.allow_blank = True
    rule.showErrorMessage = True
    letter = get_column_letter(col)
    rule.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + _VALIDATED_ROWS - 1}")
    sheet.add_data_validation(rule)


#: The most a cell holds, in UTF-16 code units as Excel counts; openpyxl cuts the rest silently.
MAX_CELL_TEXT = 32_767


def _put(cell: Cell | MergedCell, value: object) -> None:
    if isinstance(value, str):
        # A facts workbook is read back as the facts: what a cell cannot hold exactly is
        # refused, not cut (a 40,000-character note lost its end) or crashed on (U+0001).
        bad = ILLEGAL_CHARACTERS_RE.search(value)
        if bad is not None:
            raise ValueError(
                f"holds U+{ord(bad.group()):04X}, a control character a workbook cell cannot "
                "hold; keep these facts in JSON"
            )
        # UTF-16 units, as Excel counts; text of at most half the limit always fits.
        size = len(value.encode("utf-16-le")) // 2 if len(value) * 2 > MAX_CELL_TEXT else 0
        if size > MAX_CELL_TEXT:
            raise ValueError(
                f"{size:,} characters; a workbook cell holds at most {MAX_CELL_TEXT:,}; keep "
                "these facts in JSON"
            )
    cell.value = value  # type: ignore[assignment]  # openpyxl's stubs list every cell type
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"  # text that looks like a formula (=…) or an error (#N/A) stays text


def _put_value(
    cell: Cell | MergedCell, value: object, ftype: FieldType, field: attrs.Attribute[Any] | None
) -> None:
    if value is None:
        return
    if ftype is FieldType.DATE:
        assert isinstance(value, dt.date)
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif ftype is FieldType.BOOL:
        _put(cell, YES if value else NO)
    elif ftype is FieldType.DECIMAL:
        assert isinstance(value, Decimal)
        # A number where it reads back as the same digits; text where it would not (0.10).
        _put(cell, value if _same_as_float(value) else str(value))
    elif ftype in (FieldType.STR_LIST, FieldType.DATE_LIST):
        assert isinstance(value, tuple)
        if not value:
            has_empty_default = field is not None and field.default == ()
            _put(cell, None if has_empty_default else EMPTY_LIST)
            return
        items = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in value]
        for item in items:
            if _SPLIT.search(item) or item.strip() != item or not item or item == EMPTY_LIST:
                raise ValueError(f"list item {item!r} cannot be written to one cell exactly")
        _put(cell, "\n".join(items))
    elif ftype is FieldType.NESTED:
        _put(cell, json.dumps(unstructure(value), ensure_ascii=False))
    else:
        _put(cell, value)


def _same_as_float(value: Decimal) -> bool:
    """Whether a number cell reads back as the same digits (0.1 does, 0.10 and 1E+3 do not)."""
    return _float_text(float(value)) == str(value)


# --- reading -----------------------------------------------------------------------------------


class _Problems:
    """Problems found so far, each at ``sheet!cell`` (or ``sheet!row N``, or ``$``)."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, sheet: str, col: int | None, row: int, message: str) -> None:
        where = f"{get_column_letter(col)}{row}" if col is not None else f"row {row}"
        self.found.append(Problem(f"{sheet}!{where}", message))

    def at(self, path: str, message: str) -> None:
        self.found.append(Problem(path, message))


def read_facts_workbook(
    source: str | Path | IO[bytes] | bytes, kinds: Mapping[str, FactKind]
) -> FactsWorkbook:
    """Read a facts workbook; raise :class:`FactsValidationError` naming every bad cell.

    Returns one facts mapping per unit (JSON-ready: dates as ``YYYY-MM-DD``, decimals as
    exact strings), in the order of the ``单位`` sheet.
    """
    if isinstance(source, (bytes, bytearray)):  # the workbook's content itself
        source = io.BytesIO(source)
    label = str(source) if isinstance(source, (str, Path)) else "workbook"
    unpacked = unpacked_size(source, MAX_UNPACKED_BYTES)
    if unpacked is not None and unpacked.problem is not None:
        problem = f"cannot read the workbook: {unpacked.problem}"
        raise FactsValidationError([Problem("$", problem)], label)
    if unpacked is not None and unpacked.total > MAX_UNPACKED_BYTES:
        problem = (
            f"the workbook unpacks to more than {MAX_UNPACKED_BYTES:,} bytes, the most a facts "
            f"workbook may (99,000 facts take about 44 MB); {unpacked.largest_part} alone "
            f"holds {unpacked.largest_size:,} or more"
        )
        raise FactsValidationError([Problem("$", problem)], label)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise FactsValidationError(
            [Problem("$", f"cannot read the workbook: {exc}")], label
        ) from None
    try:
        sheets = {ws.title: _sheet_rows(ws) for ws in book.worksheets}
    except _TooWide as exc:
        raise FactsValidationError([exc.problem], label) from None
    finally:
        book.close()
    problems = _Problems()
    units = _read_units(sheets, problems)
    by_sheet = {sheet: name for name, sheet in sheet_names(kinds).items()}
    by_sheet.update({name: name for name in kinds})
    collected: dict[str, list[tuple[float, int, int, dict[str, Any], str]]] = {
        uid: [] for uid in units
    }
    for order, (title, rows) in enumerate(sheets.items()):
        if title == UNIT_SHEET:
            continue
        if not _is_fact_sheet(rows):
            if title in by_sheet and (rows.numbered or any(not _blank(v) for r in rows for v in r)):
                # A fact kind's sheet whose field names were deleted: once skipped in silence.
                problems.add(title, 1, FIELD_ROW, _NO_FIELD_ROW)
            continue
        kind_name = by_sheet.get(title)
        if kind_name is None:
            known = "、".join(sheet_names(kinds).values())
            problems.add(title, 1, FIELD_ROW, f"not the sheet of a fact kind ({known})")
            continue
        _read_fact_sheet(title, rows, kinds[kind_name], order, units, collected, problems)
    if not problems.found and not units:
        problems.add(UNIT_SHEET, 1, FIRST_ROW, "no unit: fill in one row per unit")
    out, locations = [], []
    for uid, unit in units.items():
        entries = sorted(collected[uid], key=lambda e: e[:3])
        seen: dict[float, str] = {}
        for position, _order, _row, _fact, where in entries:
            if position != float("inf") and position in seen:
                problems.at(where, f"# {int(position)} is also used at {seen[position]}")
            seen[position] = where
        out.append(unit | {"facts": [e[3] for e in entries]})
        locations.append(tuple(e[4] for e in entries))
    if problems.found:
        raise FactsValidationError(problems.found, label)
    return FactsWorkbook(units=tuple(out), locations=tuple(locations))


#: The most a facts workbook may unpack to, counted part by part before openpyxl reads it. A
#: workbook of 99,000 facts, each with a note of 200 characters, unpacks to 44 MB; a 614 KB file
#: once held a 600 MB cell, which openpyxl read whole (over 1 GB) before any cell was checked.
MAX_UNPACKED_BYTES = 200_000_000


_NO_FIELD_ROW = (
    f"no field names: row {FIELD_ROW} must start with {POSITION!r} and name each column's field, "
    "as the template's does (govopen-rules template)"
)


class _Rows(list[tuple[object, ...]]):
    """A sheet's rows as read: every row up to the field names, then only the rows holding a
    value, with their numbers (``numbered``)."""

    numbered: list[tuple[int, tuple[object, ...]]]


#: The most columns a sheet's field names may span: no fact kind has half as many fields.
MAX_COLUMNS = 64


class _TooWide(Exception):
    def __init__(self, sheet: str, width: int) -> None:
        super().__init__(sheet, width)
        self.problem = Problem(
            f"{sheet}!{get_column_letter(width)}{FIELD_ROW}",
            f"field names reach column {get_column_letter(width)}; at most {MAX_COLUMNS} "
            f"columns ({get_column_letter(MAX_COLUMNS)}) are read",
        )


def _sheet_rows(ws: Any) -> _Rows:
    """The rows of a sheet that can hold facts, read no wider than its field names: a single
    cell at the sheet's far corner (XFD1048576) once made every row 16,384 cells and reading
    never ended. Cells right of the last field name are under no field and never read."""
    head = _Rows(ws.iter_rows(max_row=FIELD_ROW, values_only=True))
    names = head[FIELD_ROW - 1] if len(head) >= FIELD_ROW else ()
    width = max((i for i, v in enumerate(names, start=1) if not _blank(v)), default=1)
    if width > MAX_COLUMNS:  # a name at XFD2 would make every row 16,384 cells again
        raise _TooWide(ws.title, width)
    head[:] = [row[:width] for row in head]
    head.numbered = [
        (number, row)
        for number, row in enumerate(
            ws.iter_rows(min_row=FIRST_ROW, max_col=width, values_only=True), start=FIRST_ROW
        )
        if any(not _blank(v) for v in row)
    ]
    return head


def _is_fact_sheet(rows: Sequence[Sequence[object]]) -> bool:
    fields = rows[FIELD_ROW - 1] if len(rows) >= FIELD_ROW else ()
    return bool(fields) and fields[0] == POSITION


def _fields_row(rows: Sequence[Sequence[object]]) -> list[str | None]:
    if len(rows) < FIELD_ROW:
        return []
    return [c.strip() if isinstance(c, str) and c.strip() else None for c in rows[FIELD_ROW - 1]]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_units(sheets: Mapping[str, _Rows], problems: _Problems) -> dict[str, dict[str, Any]]:
    rows = sheets.get(UNIT_SHEET)
    if rows is None:
        problems.at("$", f"the workbook has no sheet {UNIT_SHEET!r} (one row per unit)")
        return {}
    fields = _fields_row(rows)
    for col, name in enumerate(fields, start=1):
        if name is not None and name not in _UNIT_FIELDS:
            problems.add(UNIT_SHEET, col, FIELD_ROW, f"unknown column {name!r}")
    units: dict[str, dict[str, Any]] = {}
    for number, row in rows.numbered:
        values: dict[str, Any] = {}
        columns: dict[str, int] = {}
        bad: set[str] = set()
        for col, (name, raw) in enumerate(zip(fields, row, strict=False), start=1):
            if name not in _UNIT_FIELDS or _blank(raw):
                continue
            columns[name] = col
            try:
                values[name] = _cell(
                    raw, _UNIT_FIELDS[name], UNIT_KINDS if name == "kind" else None
                )
            except ValueError as exc:
                problems.add(UNIT_SHEET, col, number, f"{name}: {exc}")
                bad.add(name)
        unit_data = {k: v for k, v in values.items() if k not in ("year", "as_of")}
        _, unit_problems = structure_as(unit_data, Unit, "@")
        _report(unit_problems, UNIT_SHEET, number, columns, fields, problems, bad)
        if "year" not in values and "year" not in columns:
            problems.add(UNIT_SHEET, _col_of("year", fields), number, "year: required, empty")
        uid = values.get("id")
        if not isinstance(uid, str):
            continue
        if uid in units:
            problems.add(UNIT_SHEET, columns["id"], number, f"unit {uid!r} is listed twice")
            continue
        unit = {"unit": unit_data, "year": values.get("year")}
        if "as_of" in values:
            unit["as_of"] = values["as_of"]
        units[uid] = unit
    return units


def _read_fact_sheet(
    title: str,
    rows: _Rows,
    kind: FactKind,
    order: int,
    units: Mapping[str, dict[str, Any]],
    collected: dict[str, list[tuple[float, int, int, dict[str, Any], str]]],
    problems: _Problems,
) -> None:
    fields = _fields_row(rows)
    types = _field_types(kind.cls)
    for col, name in enumerate(fields, start=1):
        if name is not None and name not in types and name not in (POSITION, UNIT_COLUMN):
            problems.add(title, col, FIELD_ROW, f"{name!r} is not a field of {kind.name}")
    has_unit_column = UNIT_COLUMN in fields
    for number, row in rows.numbered:
        body: dict[str, Any] = {}
        columns: dict[str, int] = {}
        bad: set[str] = set()
        position = float("inf")
        uid: str | None = None
        for col, (name, raw) in enumerate(zip(fields, row, strict=False), start=1):
            if name is None or _blank(raw):
                continue
            columns[name] = col
            try:
                if name == POSITION:
                    position = float(_whole(raw))
                    if position < 1:
                        raise ValueError(f"{raw!r} is not a position (1, 2, …)")
                elif name == UNIT_COLUMN:
                    uid = _cell(raw, FieldType.STR)
                elif name in types:
                    body[name] = _cell(raw, types[name][0], _options(kind.cls, name))
            except ValueError as exc:
                problems.add(title, col, number, f"{name}: {exc}")
                bad.add(name)
        if not body and not bad and position == float("inf") and uid is None:
            continue
        if has_unit_column:
            if uid is None:
                problems.add(title, _col_of(UNIT_COLUMN, fields), number, "unit_id: required")
                continue
        elif len(units) == 1:
            uid = next(iter(units))
        elif units:
            problems.add(title, None, number, "several units: add a unit_id column")
            continue
        if uid not in units:
            if uid is not None and units:
                known = "、".join(units)
                message = f"unknown unit {uid!r}; units: {known}"
                problems.add(title, columns[UNIT_COLUMN], number, message)
            continue
        assert uid is not None
        _, fact_problems = structure_as(body, kind.cls, "@")
        _report(fact_problems, title, number, columns, fields, problems, bad)
        fact = {"kind": kind.name, **body}
        collected[uid].append((position, order, number, fact, f"{title}!{number}"))


def _col_of(name: str, fields: Sequence[str | None]) -> int | None:
    return fields.index(name) + 1 if name in fields else None


def _report(
    lines: Sequence[str],
    sheet: str,
    row: int,
    columns: Mapping[str, int],
    fields: Sequence[str | None],
    problems: _Problems,
    already: set[str],
) -> None:
    """Structuring problems (``@.document: required field missing``) at their cells, except
    for fields whose cell was already reported."""
    for line in lines:
        path, _, message = line.partition(": ")
        name = path.removeprefix("@").lstrip(".").split(".")[0].split("[")[0]
        if name in already:
            continue
        rest = path.removeprefix(f"@.{name}").lstrip(".")
        if message == "required field missing":
            message = "required, empty"
        elif rest:
            message = f"{rest}: {message}"
        col = columns.get(name, _col_of(name, fields))
        problems.add(sheet, col, row, f"{name}: {message}" if name else message)


def _cell(raw: object, ftype: FieldType, options: Sequence[str] | None = None) -> Any:
    """A cell's value as the facts JSON would hold it; ValueError says why it cannot be."""
    if ftype is FieldType.STR:
        text = _text(raw)
        if options is not None and text not in options:
            raise ValueError(f"{text!r} is not one of: {', '.join(options)}")
        return text
    if ftype is FieldType.INT:
        return _whole(raw)
    if ftype is FieldType.DECIMAL:
        return _decimal_text(raw)
    if ftype is FieldType.DATE:
        return _date(raw).isoformat()
    if ftype is FieldType.BOOL:
        return _yes_no(raw)
    if ftype is FieldType.NESTED:
        try:
            return _json_ready(json.loads(_text(raw), parse_float=Decimal))
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg} at character {exc.pos}") from None
    items = _items(raw)
    if ftype is FieldType.DATE_LIST:
        return [_date(item).isoformat() for item in items]
    return [_text(item) for item in items]


def _text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (bool, dt.date)):
        raise ValueError(f"{_shown(raw)} is not text (format the column as text)")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return _float_text(raw)
    raise ValueError(f"{raw!r} is not text")


def _whole(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"{_shown(raw)} is not a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
        return int(raw)
    raise ValueError(f"{_shown(raw)} is not a whole number")


def _decimal_text(raw: object) -> str:
    if isinstance(raw, (bool, dt.date)):
        raise ValueError(f"{_shown(raw)} is not a number")
    if isinstance(raw, float):
        return _float_text(raw)
    text = str(raw).strip()
    try:
        parse_decimal(text)
    except (ValueError, InvalidOperation):
        raise ValueError(f"{_shown(raw)} is not a number") from None
    return text


def _float_text(raw: float) -> str:
    """Excel stores numbers as doubles; the shortest repr is what the clerk typed."""
    text = format(Decimal(repr(raw)), "f")
    return text.removesuffix(".0") if raw.is_integer() else text


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            raise ValueError(f"{_shown(raw)} has a time of day; a date is expected")
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValueError(f"{_shown(raw)} is not a date (YYYY-MM-DD)")


def _yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in (YES, "true", "yes"):
            return True
        if word in (NO, "false", "no"):
            return False
    raise ValueError(f"{_shown(raw)} is not {YES} or {NO}")


def _items(raw: object) -> list[object]:
    if isinstance(raw, dt.date):
        return [raw]
    text = _text(raw)
    if text.strip() == EMPTY_LIST:
        return []
    return [item.strip() for item in _SPLIT.split(text) if item.strip()]


def _json_ready(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    return value


def _shown(raw: object) -> str:
    if isinstance(raw, dt.datetime):
        return repr(raw.isoformat(sep=" "))
    if isinstance(raw, dt.date):
        return repr(raw.isoformat())
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return _float_text(raw)
    return repr(raw)
