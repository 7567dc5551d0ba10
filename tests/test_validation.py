"""Hardening regressions (issue 15), each at its cause: bounded numbers, strict dates, signs and
ranges where input is read, every problem of a facts file at once, short echoes, safe rubric
files with line numbers, and the command line's limits and warnings."""

from __future__ import annotations

import importlib
import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import govopen_xuanwei
from govopen_rules import (
    FactsValidationError,
    ParameterError,
    Registry,
    RubricError,
    cli,
    evaluate,
    facts_json_schema,
    hookimpl,
    structure_facts_file,
)
from govopen_rules.cli import common
from govopen_rules.conversion import InputLimitError, load_json_document, parse_date
from govopen_rules.errors import Problem, ValidationError
from govopen_rules.exact import NumberError, parse_decimal, shown
from govopen_rules.facts.encoding import encode_value
from govopen_rules.facts.kinds import FieldType
from govopen_rules.rubric.compiler import resolve_parameters
from govopen_rules.rubric.files import load_rubric, structure_rubric

from builders import CITE, area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

XUANWEI = Path(__file__).parent.parent / "plugins/xuanwei/examples/xuanwei-2020.json"
cli_main = importlib.import_module("govopen_rules.cli.main")


def quickly(seconds: float = 1.0) -> Any:
    """A context manager failing the test when its block takes longer than ``seconds``."""

    class Timer:
        def __enter__(self) -> None:
            self.start = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            elapsed = time.perf_counter() - self.start
            assert elapsed < seconds, f"took {elapsed:.2f} s"

    return Timer()


# --- exact numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1e999999999", "is out of range"),
        ("1e-999999999", "is out of range"),
        ("1E-100", "is out of range"),
        ("9" * 17, "is out of range"),
        ("0." + "1" * 13, "is out of range"),
        ("9" * 100_000, "is out of range"),
        (10**16, "is out of range"),
        (Decimal("1e999999999"), "is out of range"),
        ("NaN", "is not a finite number"),
        (float("inf"), "is not a finite number"),
        ("12abc", "is not a number"),
        (True, "is not a number"),
        ("0_5", "is not a number"),  # Decimal("0_5") is 5
        ("1_000.5", "is not a number"),
        ("０.５", "is not a number"),  # Decimal reads full-width digits
        ("٣", "is not a number"),  # and Arabic-Indic ones
    ],
)
def test_numbers_are_bounded_before_they_are_used(value: object, problem: str) -> None:
    with quickly(), pytest.raises(NumberError) as info:
        parse_decimal(value)
    assert info.value.problem == problem
    assert len(str(info.value)) < 200


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.1", "0.1"), (0.1, "0.1"), ("9" * 16, "9" * 16), ("0." + "1" * 12, "0." + "1" * 12)],
)
def test_numbers_within_the_bounds_are_exact(value: object, expected: str) -> None:
    assert parse_decimal(value) == Decimal(expected)


def test_an_echoed_value_is_cut_short_in_bounded_time() -> None:
    with quickly(0.5):
        text = shown(list(range(1_000_000)))
    assert text == "[0, 1, 2, 3, ...]"
    assert len(shown("x" * 1_000_000)) < 50
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    assert shown(nested) == "[[[...]]]"


def test_a_date_has_ascii_digits() -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("２０２０-02-03")


def test_json_documents_are_read_within_limits() -> None:
    with pytest.raises(InputLimitError, match="nested too deeply"):
        load_json_document("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputLimitError, match="too long for a number"):
        load_json_document('{"a": 1.' + "0" * 100 + "}")
    with pytest.raises(InputLimitError, match="too long for a number"):
        load_json_document('{"a": ' + "9" * 5000 + "}")
    with pytest.raises(ValueError, match="NaN is not a JSON number"):
        load_json_document('{"a": NaN}')
    assert load_json_document('{"a": 0.1, "b": 1e999999999}') == {
        "a": Decimal("0.1"),
        "b": Decimal("1e999999999"),  # read as written; refused where it is used as a number
    }


# --- dates: YYYY-MM-DD as the exported JSON Schema says ----------------------------------


@pytest.mark.parametrize(
    "text", ["20200203", "2020W061", "2020-W06-1", "2020-02-3", "2020-02-03T00"]
)
def test_only_yyyy_mm_dd_is_a_date_for_the_converter_and_the_schema(
    text: str, core_registry: Registry
) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)
    with pytest.raises(ValueError, match="is not a date"):
        encode_value(text, FieldType.DATE)
    data = facts_file({"kind": "submission", "item": "月报", "due_on": text})
    with pytest.raises(FactsValidationError, match=r"facts\[0\]\.due_on: .* is not a date"):
        structure_facts_file(data, core_registry.fact_kinds)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, facts_json_schema(core_registry.fact_kinds))


# --- facts: signs, ranges, every problem at once -----------------------------------------


def problems(registry: Registry, *items: object, **top: object) -> list[str]:
    with pytest.raises(FactsValidationError) as info:
        structure_facts_file(facts_file(*items) | top, registry.fact_kinds)  # type: ignore[arg-type]
    return list(info.value.errors)


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        (
            {"kind": "organisation_training", "business_training_sessions": -100},
            "facts[0].business_training_sessions: -100 is not a count (0 or more)",
        ),
        (
            {"kind": "assessment_weight", "included": True, "weight_percent": -50},
            "facts[0].weight_percent: -50 is not a percentage (0 to 100)",
        ),
        (
            {"kind": "hotline_figures", "period": "2020", "answered_within_15s_rate": "100.5"},
            "facts[0].answered_within_15s_rate: 100.5 is not a percentage (0 to 100)",
        ),
        (
            {"kind": "hotline_figures", "period": "2020", "overdue_cases": -1},
            "facts[0].overdue_cases: -1 is not a count (0 or more)",
        ),
        (
            {"kind": "information_request", "fee_charged": "-0.5"},
            "facts[0].fee_charged: -0.5 is negative",
        ),
        (
            {"kind": "self_score", "indicator": "A1", "points": -1},
            "facts[0].points: -1 is negative",
        ),
        (
            {"kind": "statistics_breakdown", "label": "x", "total": -3},
            "facts[0].total: -3 is not a count (0 or more)",
        ),
        (
            {"kind": "assessment_weight", "included": True, "weight_percent": "1e999999999"},
            "facts[0].weight_percent: '1e999999999' is out of range (at most 12 digits before "
            "the point and 6 after it)",
        ),
        (
            {"kind": "assessment_weight", "included": True, "weight_percent": "0.0000001"},
            "facts[0].weight_percent: '0.0000001' is out of range",
        ),
        (
            {"kind": "organisation_training", "regulation_study_sessions": 2**63},
            "facts[0].regulation_study_sessions: 9223372036854775808 is out of range",
        ),
        (
            {"kind": "submission", "item": "x", "due_on": "9999-12-30"},
            "facts[0].due_on: '9999-12-30' is not a date in 1900-2100",
        ),
    ],
)
def test_counts_percentages_and_ranges_are_checked_as_facts_are_read(
    core_registry: Registry, fact: dict[str, Any], message: str
) -> None:
    found = problems(core_registry, fact)
    assert len(found) == 1 and found[0].startswith(message), found


def test_zero_and_full_marks_are_in_range(core_registry: Registry) -> None:
    data = facts_file(
        {"kind": "organisation_training", "business_training_sessions": 0},
        {"kind": "assessment_weight", "included": True, "weight_percent": 100},
        {"kind": "information_request", "fee_charged": "0"},
    )
    assert len(structure_facts_file(data, core_registry.fact_kinds).facts) == 3


def test_a_bad_unit_kind_is_not_hidden_by_other_unit_problems(core_registry: Registry) -> None:
    found = problems(core_registry, unit={"id": 1, "name": None, "kind": "ministry"})
    assert found == [
        "unit.id: 1 is not a string",
        "unit.name: None is not a string",
        "unit.kind: 'ministry' is not one of: county_government, park_committee, department, "
        "township, city_government",
    ]


@pytest.mark.parametrize(
    ("top", "message"),
    [
        ({"unit": None}, "unit: expected a mapping with id, name and kind, got null"),
        ({"unit": [1]}, "unit: expected a mapping with id, name and kind, got list"),
        ({"facts": "x"}, "facts: expected a list, got string 'x'"),
        ({"year": 99999}, "year: 99999 is not an assessment year in 1900-2100"),
    ],
)
def test_file_level_messages_say_what_was_found(
    core_registry: Registry, top: dict[str, Any], message: str
) -> None:
    assert message in problems(core_registry, **top)


def test_every_problem_is_reported_at_once_across_type_range_and_calendar() -> None:
    registry = Registry(plugins=[govopen_xuanwei], load_entrypoints=False, strict_calendar=True)
    data = facts_file(
        {"kind": "information_request", "received_on": "2099-03-02", "replied_on": "2099-05-04"},
        {"kind": "organisation_training", "business_training_sessions": "3"},
        {"kind": "assessment_weight", "included": True, "weight_percent": "12.1234567"},
    )
    data["unit"]["kind"] = "county_government"
    with pytest.raises(FactsValidationError) as info:
        evaluate(data, region="xuanwei", registry=registry)
    found = info.value.errors
    assert len(found) == 3, found
    assert found[0] == "facts[1].business_training_sessions: '3' is not a whole number"
    assert found[1].startswith("facts[2].weight_percent: '12.1234567' is out of range")
    assert found[2].startswith("facts[0]: no holiday calendar for 2099")


def test_a_list_of_a_million_bad_items_stops_after_ten(core_registry: Registry) -> None:
    with quickly(2.0):
        found = problems(
            core_registry, {"kind": "application_channels", "channels": list(range(1_000_000))}
        )
    assert len(found) == 11
    assert found[-1] == "facts[0].channels: the other 999990 items were not checked"


def test_a_file_stops_being_checked_after_50_problems(core_registry: Registry) -> None:
    found = problems(core_registry, *([1] * 10_000))
    assert len(found) == 51
    assert found[-1] == "facts[50]: the rest of the file was not checked (more than 50 problems)"


def test_a_message_lists_at_most_100_problems() -> None:
    error = ValidationError([Problem(f"x[{i}]", "bad") for i in range(250)], "f.json")
    lines = error.render().splitlines()
    assert lines[0] == "250 problems in f.json:" and lines[-1] == "  - ... and 150 more"
    assert len(lines) == 102 and len(error.problems) == 250


# --- rubric numbers and parameters -------------------------------------------------------


def one_rule_rubric(**deduct: Any) -> dict[str, Any]:
    r = rule("t.a1.late", "submission", when={"field": "late", "eq": True}, deduct=deduct)
    return rubric(area("A", indicator("A1", "1", r)))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["areas"][0].update(cap="-3"), "$.areas[0].cap"),
        (lambda d: d.update(bonus_cap="-5"), "$.bonus_cap"),
        (lambda d: d["areas"][0]["indicators"][0].update(cap="-1"), "$.areas[0].indicators[0].cap"),
        (
            lambda d: d["areas"][0]["indicators"][0]["rules"][0]["deduct"].update(
                tiers=[{"at_least": 1, "points": -3}], mode="per_unit"
            ),
            "$.areas[0].indicators[0].rules[0].deduct.tiers[0].points",
        ),
        (
            lambda d: d.update(parameters={"p": {"value": "-0.1", "citation": CITE}}),
            "$.parameters['p'].value",
        ),
        (
            lambda d: d.update(grades=[{"label": "A", "min_score": -1}]),
            "$.grades[0].min_score",
        ),
    ],
)
def test_a_negative_rubric_number_is_refused_where_it_is_read(change: Any, path: str) -> None:
    data = one_rule_rubric(mode="fixed", points="0.5")
    change(data)
    with pytest.raises(RubricError) as info:
        structure_rubric(data)
    assert any(e.startswith(f"{path}: ") and "is negative" in e for e in info.value.errors)


def test_a_negative_parameter_override_is_refused_naming_it(make_registry: MakeRegistry) -> None:
    data = one_rule_rubric(mode="per_unit", points={"param": "p"})
    data["parameters"] = {"p": {"value": "0.2", "citation": CITE}}
    registry = make_registry(data)
    with pytest.raises(
        ParameterError, match=r"parameter 'p': '-5' is negative; expected 0 or more"
    ):
        resolve_parameters(registry.get_rubric("testland", 2020), {"p": "-5"})
    late = {"kind": "submission", "item": "x", "due_on": "2020-06-01", "submitted_on": "2020-06-09"}
    with pytest.raises(ParameterError):
        evaluate(facts_file(late), region="testland", registry=registry, parameters={"p": -5})
    # Above what the indicator can lose: refused too (issue 10: no silent no-ops), never a
    # score outside 0..points.
    with pytest.raises(ParameterError, match="more than what indicator A1 can lose"):
        evaluate(facts_file(late), region="testland", registry=registry, parameters={"p": 5})


# --- rubric files ------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = write(tmp_path, "\n".join(lines) + "\ntitle: *a8\n")
    assert path.stat().st_size < 1500
    with quickly(), pytest.raises(RubricError, match="expands to more than 200,000 values"):
        load_rubric(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "id: x\nwhen: " + "{all: [" * 3000 + "{eq: 1}" + "]}" * 3000 + "\n",
            "line 2: nested more than 40",
        ),
        ("x: " + "[" * 100_000 + "]" * 100_000, "nested more than 40 levels deep"),
        ("a: &a [*a]\n", "line 1: a value contains itself"),
        ("", "$: the rubric is empty"),
        ("- 1\n", "$: expected a mapping (id, region, year, areas...), got list"),
        ("a: [\n", "cannot read: not valid YAML"),
        ("y: 2020-13-45\n", "cannot read: not valid YAML: month must be in 1..12"),
        ("id: 宣威\n".encode("gbk"), "$: not UTF-8 text (byte 0xd0 at offset 4)"),
        (b"id: x\n" + b"#" * (3 * 1024 * 1024), "larger than a rubric file may be (2,097,152 bytes)"),
    ],
)
def test_a_hostile_rubric_file_is_one_rubric_error(
    tmp_path: Path, text: str | bytes, problem: str
) -> None:
    path = write(tmp_path, text)
    with quickly(), pytest.raises(RubricError) as info:
        load_rubric(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_deep_or_self_containing_rubric_data_is_refused() -> None:
    deep: dict[str, Any] = {"field": "late", "eq": True}
    for _ in range(3000):
        deep = {"all": [deep]}
    data = one_rule_rubric(mode="fixed", points="0.5")
    data["areas"][0]["indicators"][0]["rules"][0]["when"] = deep
    with pytest.raises(RubricError, match="nested more than 40 levels deep"):
        structure_rubric(data)
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(RubricError, match="contains itself"):
        structure_rubric({"id": loop})


def test_rubric_problems_carry_their_line(tmp_path: Path, make_registry: MakeRegistry) -> None:
    data = one_rule_rubric(mode="fixed", points="0.5")
    data["areas"][0]["indicators"][0]["rules"][0]["colour"] = "red"
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    [problem] = info.value.problems
    line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]  # type: ignore[operator]
    assert line.strip().startswith("- id: t.a1.late")
    assert str(info.value).endswith(f"unknown field(s) colour (line {problem.line})")
    assert info.value.errors == (
        "$.areas[0].indicators[0].rules[0]: unknown field(s) colour",
    )  # the line is shown, not part of the problem's text
    data = one_rule_rubric(mode="fixed", points="0.5")
    data["points"] = "2"  # found by the compiler, after loading
    with pytest.raises(RubricError) as info:
        make_registry(data)
    assert "points: areas add up to 1, not 2 (line " in str(info.value)


# --- the command line --------------------------------------------------------------------


def test_the_input_limit_is_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "f.json"
    path.write_text(XUANWEI.read_text(encoding="utf-8") + " " * 2_000_000, encoding="utf-8")
    argv = ["evaluate", str(path), "--region", "xuanwei"]
    registry = Registry(plugins=[govopen_xuanwei], load_entrypoints=False)
    assert cli.main([*argv, "--max-input-mb", "1"], registry=registry) == 1
    assert "larger than the 1 MB input limit" in capsys.readouterr().err
    monkeypatch.setenv(common.INPUT_LIMIT_ENV, "1.5")
    assert cli.main(argv, registry=registry) == 1
    assert "larger than the 1.5 MB input limit" in capsys.readouterr().err
    assert cli.main([*argv, "--max-input-mb", "3"], registry=registry) == 0
    monkeypatch.delenv(common.INPUT_LIMIT_ENV)
    assert common.input_limit_mb() == common.DEFAULT_INPUT_LIMIT_MB == 32


class BrokenRubric:
    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def govopen_rubrics(self) -> list[Path]:
        return [self.path]


def test_a_broken_plugin_is_a_warning_or_with_strict_plugins_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = BrokenRubric(write(tmp_path, b"id: \xff\n"))
    plugins = [govopen_xuanwei, broken]

    def lenient() -> Registry:
        return Registry(plugins=plugins, load_entrypoints=False, strict_plugins=False)

    def strict() -> Registry:
        return Registry(plugins=plugins, load_entrypoints=False, strict_plugins=True)

    monkeypatch.setattr(cli_main, "default_registry", lenient)
    monkeypatch.setattr(cli_main, "_strict_registry", strict)
    assert cli.main(["rubrics"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("xuanwei\t2020")
    assert err == (
        "warning: a broken plugin was skipped (--strict-plugins to fail): "
        f"{broken.path}: $: not UTF-8 text (byte 0xff at offset 4)\n"
    )
    assert cli.main(["rubrics", "--strict-plugins"]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {broken.path}: $: not UTF-8 text (byte 0xff at offset 4)\n",
    )


def test_previous_year_file_must_stay_in_the_reports_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(
        (Path(__file__).parent / "corpus/files/reports/valid.json").read_text(encoding="utf-8")
    )
    folder = tmp_path / "reports"
    folder.mkdir()
    (tmp_path / "secret.json").write_text(json.dumps(report), encoding="utf-8")
    (folder / "link.json").symlink_to(tmp_path / "secret.json")
    for name in ("../secret.json", "link.json", str(tmp_path / "secret.json")):
        path = folder / "r.json"
        path.write_text(json.dumps(report | {"previous_year_file": name}), encoding="utf-8")
        assert cli.main(["check-stats", str(path)]) == 1
        assert "is not in the report's folder" in capsys.readouterr().err


def test_a_facts_file_built_by_hand_is_checked_as_a_facts_mapping_is() -> None:
    """FactsFile's classes do not check types: a float of text, a list of text or a flag of
    text once scored in silence ('ab' as two missing reply elements, 'no' as extended), and
    other values crashed deep in scoring. Each is now named with its path."""
    import datetime as dt
    from decimal import Decimal

    from govopen_rules import FactsFile, FactsValidationError, Unit, evaluate, evaluate_many
    from govopen_rules.facts.model import InformationRequest, SelfScore

    unit = Unit(id="u1", name="某县", kind="county_government")
    day = dt.date(2020, 9, 28)
    cases = {
        "facts[0].missing_reply_elements": InformationRequest(
            received_on=day, missing_reply_elements="ab"  # type: ignore[arg-type]
        ),
        "facts[0].extended": InformationRequest(received_on=day, extended="no"),  # type: ignore[arg-type]
        "facts[0].points": SelfScore(indicator="A6", points=Decimal("1e-30")),
        # Values that cannot even be made plain data are named too (it said "$").
        "facts[0].replied_on: the FactsFile cannot be read back": InformationRequest(
            received_on=day, replied_on="2020-10-09"  # type: ignore[arg-type]
        ),
    }
    for path, fact in cases.items():
        with pytest.raises(FactsValidationError, match=re.escape(path)):
            evaluate(FactsFile(unit=unit, year=2020, facts=(fact,)), region="xuanwei")
    as_of_text = FactsFile(unit=unit, year=2020, facts=(), as_of="2020-12-31")  # type: ignore[arg-type]
    with pytest.raises(FactsValidationError, match="as_of: the FactsFile cannot be read back"):
        evaluate(as_of_text, region="xuanwei")
    with pytest.raises(FactsValidationError, match="year: '2020' is not a whole number"):
        evaluate(FactsFile(unit=unit, year="2020", facts=()), region="xuanwei")  # type: ignore[arg-type]
    bad = FactsFile(unit=Unit(id=9, name="x", kind="county_government"), year=2020, facts=())  # type: ignore[arg-type]
    cohort = evaluate_many([FactsFile(unit=unit, year=2020, facts=()), bad], region="xuanwei", year=2020)
    assert [(f.index, f.errors) for f in cohort.failures] == [(1, ("unit.id: 9 is not a string",))]
