"""Facts workbooks: written and read back equal, filled in like a clerk would, errors at cells."""

from __future__ import annotations

import datetime as dt
import json
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from govopen_rules import FactsValidationError, Registry, evaluate, structure_facts_file, to_json
from govopen_rules.facts.kinds import FieldType, field_type_of
from govopen_rules.facts.model import UNIT_KINDS, FactsFile, StatisticsPart, Unit
from govopen_rules.facts.workbook import facts_workbook, read_facts_workbook
from govopen_rules.plugins.registry import default_registry
from govopen_rules.reports.template import INDEX_SHEET, template_workbook

from builders import facts_file

PLUGINS = Path(__file__).parent.parent / "plugins"
EXAMPLES = [
    "xuanwei/examples/xuanwei-2020.json",
    "yanan/examples/yanan-2020-cohort.json",
    "baoshan/examples/baoshan-2019-cohort.json",
]


def load(example: str) -> list[dict[str, Any]]:
    data = json.loads((PLUGINS / example).read_text(encoding="utf-8"), parse_float=Decimal)
    units: list[dict[str, Any]] = data.get("units", [data])
    # A cohort's published tiers are compared with the facts, not part of them.
    return [{k: v for k, v in u.items() if k != "published"} for u in units]


def round_trip(units: list[FactsFile], registry: Registry, tmp_path: Path) -> list[FactsFile]:
    path = tmp_path / "facts.xlsx"
    facts_workbook(units, registry.fact_kinds, unit_column=len(units) > 1).save(path)
    back = read_facts_workbook(path, registry.fact_kinds)
    return [structure_facts_file(u, registry.fact_kinds) for u in back.units]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_come_back_equal(example: str, tmp_path: Path) -> None:
    registry = default_registry()
    units = [structure_facts_file(u, registry.fact_kinds) for u in load(example)]
    back = round_trip(units, registry, tmp_path)
    assert back == units
    assert to_json(back) == to_json(units)  # decimals keep their digits (0.10 stays 0.10)


# --- any facts of any built-in kind come back equal ---------------------------------------------

_TEXT = st.text(
    alphabet=st.sampled_from("宣威政务公开指南目录abcXYZ019 -=（）、。：\n"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")
_ITEM = st.text(alphabet=st.sampled_from("图文视频解读abc12"), min_size=1, max_size=6).filter(
    lambda s: s != "无"
)
_DATE = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))
_DECIMAL = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=0, max_value=100),  # decimals in facts are shares: 0 to 100
    st.integers(min_value=0, max_value=4),
)


def _value(ftype: FieldType, field: attrs.Attribute[Any]) -> st.SearchStrategy[Any]:
    options = getattr(field.validator, "options", None)
    if options is not None:
        return st.sampled_from(sorted(options))
    if "examples" in field.metadata:  # a field written in a form (a period: 2020-11)
        return st.sampled_from(field.metadata["examples"])
    return {
        FieldType.STR: _TEXT,
        FieldType.INT: st.integers(min_value=0, max_value=10**9),
        FieldType.BOOL: st.booleans(),
        FieldType.DECIMAL: _DECIMAL,
        FieldType.DATE: _DATE,
        FieldType.STR_LIST: st.lists(_ITEM, max_size=3).map(tuple),
        FieldType.DATE_LIST: st.lists(_DATE, max_size=3).map(tuple),
        FieldType.NESTED: st.lists(
            st.builds(
                StatisticsPart,
                label=_TEXT,
                count=st.none() | st.integers(0, 999),
                percent=st.none() | _DECIMAL,
            ),
            max_size=2,
        ).map(tuple),
    }[ftype]


def _fact(cls: type) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {}
    for field in attrs.fields(cls):
        ftype, optional = field_type_of(hints[field.name])
        value = _value(ftype, field)
        fields[field.name] = (st.none() | value) if optional else value
    return st.fixed_dictionaries(fields).map(lambda kw: cls(**kw))


_KINDS = Registry(load_entrypoints=False).fact_kinds
_UNIT = st.builds(
    lambda n, kind, parent: Unit(id=f"u{n}", name=f"单位{n}", kind=kind, parent=parent),
    st.integers(0, 10**6),
    st.sampled_from(UNIT_KINDS),
    st.none() | _TEXT,
)
_FACTS_FILE = st.builds(
    lambda unit, facts, as_of: FactsFile(unit=unit, year=2020, facts=tuple(facts), as_of=as_of),
    _UNIT,
    st.lists(st.one_of([_fact(kind.cls) for kind in _KINDS.values()]), max_size=8),
    st.none() | _DATE,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(units=st.lists(_FACTS_FILE, min_size=1, max_size=3, unique_by=lambda u: u.unit.id))
def test_any_facts_come_back_equal(units: list[FactsFile], tmp_path: Path) -> None:
    registry = Registry(load_entrypoints=False)
    back = round_trip(units, registry, tmp_path)
    assert back == units
    assert to_json(back) == to_json(units)


# --- a template filled in as a clerk would --------------------------------------------------------


def _clerk_value(value: Any) -> Any:
    """What a clerk types: real dates, numbers as Excel stores them (doubles), 是/否, lists."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if str(float(value)).removesuffix(".0") == str(value) else str(value)
    if isinstance(value, list):
        return "；".join(value) if value else "无"
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        return dt.datetime.fromisoformat(value)  # Excel hands dates back as datetimes
    return value


def fill(template: Path, facts: dict[str, Any], out: Path, kinds: Any) -> None:
    """Type each fact into the row below the last, in the column its field name heads."""
    from govopen_rules.facts.workbook import sheet_names

    book = load_workbook(template)
    names = sheet_names(kinds)
    unit = book["单位"]
    for col in range(1, unit.max_column + 1):
        key = unit.cell(2, col).value
        value = facts["unit"].get(key, facts.get(key))
        unit.cell(3, col, _clerk_value(value))
    for fact in facts["facts"]:
        sheet = book[names[fact["kind"]]]
        row = sheet.max_row + 1
        for col in range(1, sheet.max_column + 1):
            key = sheet.cell(2, col).value
            if key in fact:
                sheet.cell(row, col, _clerk_value(json.loads(json.dumps(fact[key], default=str))))
    book.save(out)


def test_the_xuanwei_template_filled_in_evaluates_as_the_json(tmp_path: Path) -> None:
    registry = default_registry()
    compiled = registry.runnable("xuanwei", 2020).compiled
    template_workbook(compiled, registry.fact_kinds, year=2020).save(tmp_path / "t.xlsx")
    (facts,) = load(EXAMPLES[0])
    fill(tmp_path / "t.xlsx", facts, tmp_path / "filled.xlsx", registry.fact_kinds)
    (read,) = read_facts_workbook(tmp_path / "filled.xlsx", registry.fact_kinds).units
    from_json = evaluate(facts, region="xuanwei", year=2020)
    from_excel = evaluate(read, region="xuanwei", year=2020)
    # The clerk typed no 序号, so facts are numbered by sheet; everything else is identical.
    assert from_excel.total == from_json.total == Decimal("13.9")
    assert [(v.rule_id, v.status, v.points, v.message) for v in from_excel.verdicts()] == [
        (v.rule_id, v.status, v.points, v.message) for v in from_json.verdicts()
    ]
    assert (
        from_excel.areas[0].indicators[0].self_score == from_json.areas[0].indicators[0].self_score
    )


def test_the_template_lists_every_rule_and_validates_its_columns(tmp_path: Path) -> None:
    registry = default_registry()
    compiled = registry.runnable("xuanwei", 2020).compiled
    template_workbook(compiled, registry.fact_kinds, year=2020).save(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames[:2] == [INDEX_SHEET, "单位"]
    index_text = "\n".join(
        str(c.value) for row in book[INDEX_SHEET].iter_rows() for c in row if c.value is not None
    )
    for rule in compiled.rules:
        assert rule.rule.id in index_text
    for area in compiled.rubric.areas:
        for ind in area.indicators:
            assert f"{ind.title}" in index_text
    assert "工作表「政策解读」" in index_text
    assert book["单位"]["F3"].value == 2020  # the year is filled in

    def rules_of(sheet: str) -> dict[str, tuple[str, str | None]]:
        ws = book[sheet]
        by_field = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
        out = {}
        for dv in ws.data_validations.dataValidation:
            for cell_range in dv.sqref.ranges:
                field = next(f for f, c in by_field.items() if c == cell_range.min_col)
                out[field] = (dv.type, dv.formula1)
        return out

    guide = rules_of("政府信息公开指南和目录")
    assert guide["document"] == ("list", '"guide,catalogue,overview"')
    assert guide["updated_on"][0] == "date"
    platform = rules_of("政府信息公开平台")
    assert platform["on_homepage"] == ("list", '"是,否"')
    assert rules_of("单位")["kind"] == ("list", '"' + ",".join(UNIT_KINDS) + '"')
    assert rules_of("组织与培训")["business_training_sessions"][0] == "whole"
    headers = book["依申请公开"]
    assert headers["A1"].value == "序号" and headers["A2"].value == "#"
    assert headers.freeze_panes == "B3"


# --- problems, each at its cell ----------------------------------------------------------------


def workbook_with(rows: dict[str, list[list[Any]]]) -> Workbook:
    """A workbook of sheets given as rows (row 1 labels are left out: row 2 holds field names)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, lines in rows.items():
        sheet = book.create_sheet(title)
        sheet.append(["label"] * len(lines[0]))
        for line in lines:
            sheet.append(line)
    return book


UNIT_ROWS = [
    ["id", "name", "kind", "year", "as_of"],
    ["u1", "测试县人民政府", "county_government", 2020, None],
]


def problems_in(book: Workbook, tmp_path: Path) -> list[str]:
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(FactsValidationError) as caught:
        read_facts_workbook(tmp_path / "bad.xlsx", Registry(load_entrypoints=False).fact_kinds)
    assert str(tmp_path / "bad.xlsx") in str(caught.value)
    return list(caught.value.errors)


def test_a_bad_date_is_named_by_sheet_and_cell(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "单位": UNIT_ROWS,
            "依申请公开": [
                ["#", "channel", "extended", "received_on"],
                [None, "网络", "否", "2020-09-28"],
                [None, "网络", "否", "2020-13-01"],
            ],
        }
    )
    assert problems_in(book, tmp_path) == [
        "依申请公开!D4: received_on: '2020-13-01' is not a date (YYYY-MM-DD)"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "单位": UNIT_ROWS,
            "网站检查": [
                ["#", "site", "result", "checked_on", "colour"],
                [1, None, "ok", dt.datetime(2020, 5, 1, 9, 30), None],
            ],
            "政务新媒体账号": [
                ["#", "name", "filed", "post_dates"],
                [2, "宣威发布", "也许", "2020-06-01；2020-06-31"],
            ],
            "my notes": [["#", "x"], [1, 2]],
        }
    )
    problems = problems_in(book, tmp_path)
    assert problems[:6] == [
        "网站检查!E2: 'colour' is not a field of website_check",
        "网站检查!C3: result: 'ok' is not one of: qualified, unqualified",
        "网站检查!D3: checked_on: '2020-05-01 09:30:00' has a time of day; a date is expected",
        "网站检查!B3: site: required, empty",
        "政务新媒体账号!C3: filed: '也许' is not 是 or 否",
        "政务新媒体账号!D3: post_dates: '2020-06-31' is not a date (YYYY-MM-DD)",
    ]
    assert problems[6].startswith(
        "my notes!A2: not the sheet of a fact kind (政府信息公开指南和目录、"
    )
    assert len(problems) == 7


def test_unit_problems_name_their_cells(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "单位": [
                *UNIT_ROWS,
                ["u2", None, "village", "二〇二〇", None],
                ["u1", "重复", "township", 2020],
            ]
        }
    )
    assert problems_in(book, tmp_path) == [
        "单位!C4: kind: 'village' is not one of: county_government, park_committee, department, "
        "township, city_government",
        "单位!D4: year: '二〇二〇' is not a whole number",
        "单位!B4: name: required, empty",
        "单位!A5: unit 'u1' is listed twice",
    ]


def test_facts_of_several_units_need_a_unit_column(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "单位": [*UNIT_ROWS, ["u2", "另一县", "county_government", 2020, None]],
            "材料报送": [["#", "item"], [None, "月报"]],
        }
    )
    assert problems_in(book, tmp_path) == ["材料报送!row 3: several units: add a unit_id column"]


def test_cohort_workbooks_name_each_facts_unit(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "单位": [*UNIT_ROWS, ["u2", "另一县", "county_government", 2020, None]],
            "材料报送": [
                ["#", "unit_id", "item", "due_on"],
                [1, "u1", "月报", "2020-06-01"],
                [1, "u3", "季报", None],
                [1, "u2", "年报", None],
                [1, "u2", "半年报", None],
                [None, None, "周报", None],
            ],
        }
    )
    assert problems_in(book, tmp_path) == [
        "材料报送!B4: unknown unit 'u3'; units: u1、u2",
        "材料报送!B7: unit_id: required",
        "材料报送!6: # 1 is also used at 材料报送!5",
    ]


def test_blank_rows_instructions_and_moved_columns_are_fine(tmp_path: Path) -> None:
    book = workbook_with(
        {
            "填表说明": [["请按表填写"]],
            "单位": UNIT_ROWS,
            "submission": [  # a sheet may be named by the kind's name too
                ["#", "submitted_on", "item", None],
                [None, None, None, None],
                [None, dt.datetime(2020, 6, 2), "月报", "a clerk's own column"],
            ],
        }
    )
    book.save(tmp_path / "ok.xlsx")
    (unit,) = read_facts_workbook(
        tmp_path / "ok.xlsx", Registry(load_entrypoints=False).fact_kinds
    ).units
    assert unit == facts_file(
        {"kind": "submission", "submitted_on": "2020-06-02", "item": "月报"},
        unit={"id": "u1", "name": "测试县人民政府", "kind": "county_government"},
    )


def test_a_file_that_is_not_a_workbook_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "facts.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FactsValidationError, match="cannot read the workbook"):
        read_facts_workbook(path, Registry(load_entrypoints=False).fact_kinds)


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The archive's declared sizes are checked first (a 614 KB file held a 600 MB cell, which
    openpyxl read whole); a file object is left where it was, for the reader."""
    import io

    from govopen_rules.facts import workbook

    kinds = default_registry().fact_kinds
    path = tmp_path / "facts.xlsx"
    facts_workbook([structure_facts_file(facts_file(), kinds)], kinds, unit_column=False).save(path)
    data = path.read_bytes()
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    for source in (path, io.BytesIO(data)):
        with pytest.raises(FactsValidationError) as refused:
            read_facts_workbook(source, kinds)
        assert "unpacks to more than 1,000 bytes" in str(refused.value)
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", len(data) * 100)
    assert len(read_facts_workbook(io.BytesIO(data), kinds).units) == 1
    assert len(read_facts_workbook(data, kinds).units) == 1  # bytes: once 'no attribute tell'


@pytest.mark.parametrize(
    ("note", "refused"),
    [
        ("x" * 32_767, None),  # exactly what a cell holds: written, read back whole
        ("x" * 32_768, "32,768 characters; a workbook cell holds at most 32,767"),
        ("𠀀" * 16_384, "32,768 characters"),  # outside the BMP: two units each, as Excel counts
        ("a\u0001b", r"holds U\+0001, a control character a workbook cell cannot hold"),
    ],
    ids=["32767", "32768", "astral", "control"],
)
def test_text_a_cell_cannot_hold_exactly_is_refused(
    note: str, refused: str | None, tmp_path: Path
) -> None:
    """openpyxl cut a 40,000-character note at 32,767 in silence, and raised its own error on a
    control character; a facts workbook is read back as the facts, so neither may pass."""
    reg = default_registry()
    data = facts_file({"kind": "disclosure_item", "topic": "t", "published": True, "note": note})
    unit = structure_facts_file(data, reg.fact_kinds)
    if refused is not None:
        with pytest.raises(ValueError, match=refused):
            facts_workbook([unit], reg.fact_kinds, unit_column=False)
        return
    path = tmp_path / "w.xlsx"
    facts_workbook([unit], reg.fact_kinds, unit_column=False).save(path)
    (back,) = read_facts_workbook(path, reg.fact_kinds).units
    assert back["facts"][0]["note"] == note


def test_unit_fields_are_named_and_error_looking_text_stays_text(tmp_path: Path) -> None:
    """A unit field a cell cannot hold named nothing; '#N/A' became an error cell."""
    reg = default_registry()
    data = facts_file({"kind": "disclosure_item", "topic": "#N/A", "published": True})
    data["unit"]["parent"] = "a\u0001b"
    with pytest.raises(ValueError, match=r"unit\.parent: holds U\+0001"):
        facts_workbook(
            [structure_facts_file(data, reg.fact_kinds)], reg.fact_kinds, unit_column=False
        )
    data["unit"]["parent"] = "曲靖市"
    path = tmp_path / "w.xlsx"
    book = facts_workbook(
        [structure_facts_file(data, reg.fact_kinds)], reg.fact_kinds, unit_column=False
    )
    book.save(path)
    cells = [c for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row]
    (topic,) = [c for c in cells if c.value == "#N/A"]
    assert topic.data_type == "s"
