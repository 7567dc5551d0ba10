"""Rubric files are short to write and exact to read: the short forms (a default citation
document, ``check``, relative rule ids) load into the same rules as the long ones; enumerated
strings, parameters and the JSON Schema refuse what is not allowed, saying what is."""

from __future__ import annotations

import json
import time
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from govopen_rules import Registry, RubricError, cli
from govopen_rules.errors import ParameterError, UnknownParameterError
from govopen_rules.facts.model import UNIT_KINDS
from govopen_rules.rubric.compiler import CompiledRubric, compile_rubric, resolve_parameters
from govopen_rules.rubric.compose import RubricComposer
from govopen_rules.rubric.files import load_rubric, structure_rubric
from govopen_rules.rubric.model import Rubric, UnitKind
from govopen_rules.rubric.schema import rubric_json_schema

from builders import CITE, area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

ROOT = Path(__file__).parent.parent
BUILT_IN = sorted(ROOT.glob("plugins/*/govopen_*/*.yaml"))


def compiled(registry: Registry, region: str = "testland") -> CompiledRubric:
    return registry.runnable(region, 2020).compiled


def errors_of(make_registry: MakeRegistry, data: dict[str, Any]) -> list[str]:
    with pytest.raises(RubricError) as info:
        make_registry(data)
    return list(info.value.errors)


def one_rule(r: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return rubric(area("A", indicator("A1", "1", r)), **extra)


# --- check: one line for "evidence states F, and the rule fires when F ..." ---------------------

LONG = rule(
    "testland.a1.low",
    "hotline_figures",
    where={"field": "quality_check_rate", "exists": True},
    when={"field": "quality_check_rate", "lt": {"param": "minimum"}},
)
SHORT = {key: value for key, value in LONG.items() if key not in ("evidence", "when")} | {
    "check": {"kind": "hotline_figures", "field": "quality_check_rate", "lt": {"param": "minimum"}}
}
PARAMS = {"minimum": {"value": 10, "citation": CITE}}


def test_check_compiles_to_exactly_the_long_rule(make_registry: MakeRegistry) -> None:
    long = compiled(make_registry(one_rule(LONG, parameters=PARAMS)))
    short = compiled(make_registry(one_rule(SHORT, parameters=PARAMS)))
    assert short.rules[0].rule.check is not None and long.rules[0].rule.check is None
    assert short.rules == long.rules
    assert short.selections == long.selections
    assert short.engine_fields == long.engine_fields
    assert short.rules[0].rule.evidence.where == {"field": "quality_check_rate", "exists": True}
    assert short.rules[0].rule.when == {"field": "quality_check_rate", "lt": {"param": "minimum"}}


def test_check_scores_like_the_long_rule(make_registry: MakeRegistry) -> None:
    from govopen_rules import evaluate

    for r in (LONG, SHORT):
        reg = make_registry(one_rule(r, parameters=PARAMS))
        low = {"kind": "hotline_figures", "period": "2020", "quality_check_rate": "9.9"}
        silent = {"kind": "hotline_figures", "period": "2020"}
        assert evaluate(facts_file(low), region="testland", registry=reg).total == Decimal("0.5")
        verdict = evaluate(facts_file(silent), region="testland", registry=reg).verdict(
            "testland.a1.low"
        )
        assert verdict.status.value == "no_evidence"  # a fact not stating F is not evidence


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            {"kind": "submission", "field": "late", "eq": True, "lt": 1},
            "rules[0].check: a check needs exactly one operator of eq, ne, lt",
        ),
        (
            {"kind": "submission", "field": "late"},
            "rules[0].check: a check needs exactly one operator",
        ),
        (
            {"kind": "submission", "field": "late", "exists": True},
            "rules[0].check: unknown field(s) exists; a check has kind, field and one operator",
        ),
        ({"field": "late", "eq": True}, "rules[0].check: a check needs 'kind: <name>'"),
        ("submission.late", "rules[0].check: 'submission.late' is not a mapping"),
    ],
)
def test_a_malformed_check_names_its_path(
    make_registry: MakeRegistry, check: object, message: str
) -> None:
    r = {k: v for k, v in rule("t.a1.r", "submission").items() if k != "evidence"}
    found = errors_of(make_registry, one_rule(r | {"check": check}))
    assert any(message in f for f in found), found


def test_check_replaces_evidence_and_when(make_registry: MakeRegistry) -> None:
    both = rule("t.a1.r", "submission") | {
        "check": {"kind": "submission", "field": "late", "eq": True}
    }
    assert errors_of(make_registry, one_rule(both)) == [
        "$.areas[0].indicators[0].rules[0]: give check, or evidence and when, not both"
    ]
    neither = {k: v for k, v in rule("t.a1.r", "submission").items() if k != "evidence"}
    assert errors_of(make_registry, one_rule(neither)) == [
        "$.areas[0].indicators[0].rules[0]: a rule needs check, or evidence (and when)"
    ]


def test_problems_in_a_check_are_reported_at_the_check(make_registry: MakeRegistry) -> None:
    r = SHORT | {"check": {"kind": "hotline_figures", "field": "rate", "lt": 95}}
    rate = [f for f in errors_of(make_registry, one_rule(r)) if "unknown field 'rate'" in f]
    assert len(rate) == 1  # said once, though both the evidence and the condition read it
    assert rate[0].startswith("areas[0].indicators[0].rules[0].check.field: unknown field 'rate'")
    r = SHORT | {"check": {"kind": "hotline", "field": "rate", "lt": 95}}
    assert any(
        f.startswith("areas[0].indicators[0].rules[0].check.kind: unknown fact kind 'hotline'")
        for f in errors_of(make_registry, one_rule(r))
    )
    r = SHORT | {"check": {"kind": "hotline_figures", "field": "staffed_7x12_hours", "eq": "yes"}}
    assert any(
        f.startswith("areas[0].indicators[0].rules[0].check.eq: expected true or false")
        for f in errors_of(make_registry, one_rule(r))
    )


# --- relative rule ids -----------------------------------------------------------------------------


def test_a_relative_id_gets_its_region_and_indicator(make_registry: MakeRegistry) -> None:
    data = rubric(
        area(
            "A",
            indicator("A1", "1", rule(".late", "submission", when={"field": "late", "eq": True})),
        ),
        area("B", indicator("B12", "1", rule(".late", "submission"))),
    )
    reg = make_registry(data)
    ids = [r.id for r in reg.get_rubric("testland", 2020).all_rules()]
    assert ids == ["testland.a1.late", "testland.b12.late"]
    assert [r.rule.id for r in compiled(reg).rules] == ids


def test_relative_and_full_ids_collide(make_registry: MakeRegistry) -> None:
    data = one_rule(rule("testland.a1.late", "submission"))
    data["areas"][0]["indicators"][0]["rules"].append(rule(".late", "submission"))
    assert "areas[0].indicators[0].rules[1].id: duplicate rule id 'testland.a1.late'" in errors_of(
        make_registry, data
    )


def test_a_relative_id_needs_an_ascii_code(make_registry: MakeRegistry) -> None:
    data = rubric(area("A", indicator("一", "1", rule(".late", "submission"))))
    found = errors_of(make_registry, data)
    assert found[0].startswith("$.areas[0].indicators[0].rules[0].id: relative id '.late' needs")
    assert "write the full id" in found[0]


# --- the default citation document ---------------------------------------------------------------


def test_a_citation_without_document_cites_the_rubrics_document(
    make_registry: MakeRegistry,
) -> None:
    own = rule("testland.a1.own", "submission", citation={"clause": "第2项", "quote": "逾期扣分"})
    other = rule(
        "testland.a1.other", "submission", citation={"document": "条例", "clause": "第三十三条"}
    )
    data = rubric(
        area("A", indicator("A1", "1", own, other)),
        citation_document="附件1",
        parameters={"p": {"value": 1, "citation": {"clause": "第3项"}}},
    )
    rub = make_registry(data).get_rubric("testland", 2020)
    cites = {r.id: r.citation for r in rub.all_rules()}
    assert (cites["testland.a1.own"].document, cites["testland.a1.own"].quote) == (
        "附件1",
        "逾期扣分",
    )
    assert cites["testland.a1.other"].document == "条例"
    assert rub.parameters["p"].citation is not None
    assert rub.parameters["p"].citation.document == "附件1"


def test_without_citation_document_the_source_document_is_cited(
    make_registry: MakeRegistry,
) -> None:
    own = rule("testland.a1.own", "submission", citation={"clause": "第2项"})
    rub = make_registry(one_rule(own)).get_rubric("testland", 2020)
    assert rub.all_rules()[0].citation.document == CITE["document"]


def test_the_verdict_carries_the_resolved_citation(make_registry: MakeRegistry) -> None:
    from govopen_rules import evaluate

    own = rule(
        "testland.a1.late",
        "submission",
        when={"field": "late", "eq": True},
        citation={"clause": "第2项", "quote": "逾期扣分"},
    )
    reg = make_registry(one_rule(own, citation_document="附件1"))
    late = {
        "kind": "submission",
        "item": "月报",
        "due_on": "2020-06-01",
        "submitted_on": "2020-06-05",
    }
    verdict = evaluate(facts_file(late), region="testland", registry=reg).verdict(
        "testland.a1.late"
    )
    assert (verdict.citation.document, verdict.citation.clause) == ("附件1", "第2项")


# --- enumerated strings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("deduct", "mode"),
            "halve",
            "rules[0].deduct.mode: 'halve' is not one of: fixed, per_unit, veto, bonus",
        ),
        (
            ("count", "mode"),
            "each",
            "rules[0].count.mode: 'each' is not one of: facts, sum, missing_values, absent, shortfall",
        ),
        (
            ("applies_to",),
            ["ministry"],
            "rules[0].applies_to[0]: 'ministry' is not one of: county_government",
        ),
        (("deduct", "mode"), 3, "rules[0].deduct.mode: 3 is not one of: fixed"),
    ],
)
def test_enumerated_strings_name_the_path_and_the_allowed_values(
    make_registry: MakeRegistry, path: tuple[str, ...], value: object, message: str
) -> None:
    r = rule("t.a1.r", "submission", count={"mode": "facts"})
    target = r
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    found = errors_of(make_registry, one_rule(r))
    assert len(found) == 1 and found[0].startswith(f"$.areas[0].indicators[0].{message}"), found


def test_quota_ties_are_enumerated(make_registry: MakeRegistry) -> None:
    data = one_rule(
        rule("t.a1.r", "submission"),
        grades=[{"label": "优秀", "min_score": 0}],
        cohort={
            "groups": [{"name": "all"}],
            "quotas": [{"label": "优秀", "max_share": 10, "ties": "share"}],
        },
    )
    assert errors_of(make_registry, data) == [
        "$.cohort.quotas[0].ties: 'share' is not one of: drop, keep"
    ]


def test_unit_kinds_are_the_facts_unit_kinds() -> None:
    assert typing.get_args(UnitKind) == UNIT_KINDS


# --- the JSON Schema -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = rubric_json_schema(Registry(load_entrypoints=False).fact_kinds)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_there_are_four_built_in_rubrics() -> None:
    assert [p.name for p in BUILT_IN] == [
        "baoshan-2019.yaml",
        "xuanwei-2020.yaml",
        "yanan-2020.yaml",
        "yanshan-2020.yaml",
    ]


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: p.name)
def test_the_schema_accepts_the_built_in_rubrics(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(
    ("where", "key"),
    [((), "colour"), (("areas", 0, "indicators", 0, "rules", 0), "colour"), (("source",), "page")],
)
def test_the_schema_rejects_unknown_keys(
    validator: jsonschema.Draft202012Validator, where: tuple[str | int, ...], key: str
) -> None:
    data = yaml.safe_load(BUILT_IN[1].read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    target: Any = data
    for step in where:
        target = target[step]
    target[key] = "red"
    errors = list(validator.iter_errors(data))
    assert errors and any(key in e.message or key in str(e.instance) for e in errors)


def test_the_schema_checks_modes_operators_kinds_and_checks(
    validator: jsonschema.Draft202012Validator,
) -> None:
    def with_rule(**changes: Any) -> dict[str, Any]:
        r = {k: v for k, v in rule(".r", "submission").items() if k != "evidence"} | changes
        return yaml.safe_load(yaml.safe_dump(one_rule(r), allow_unicode=True))

    good = with_rule(check={"kind": "submission", "field": "late", "eq": True})
    assert validator.is_valid(good)
    assert validator.is_valid(
        with_rule(evidence={"kind": "submission"}, when={"field": "late", "eq": True})
    )
    bad = [
        with_rule(check={"kind": "submission", "field": "late", "eq": True, "ne": False}),
        with_rule(check={"kind": "submission", "field": "late", "exists": True}),
        with_rule(check={"kind": "nope", "field": "late", "eq": True}),
        with_rule(
            check={"kind": "submission", "field": "late", "eq": True},
            evidence={"kind": "submission"},
        ),
        with_rule(evidence={"kind": "submission"}, when={"field": "late", "equals": True}),
        with_rule(evidence={"kind": "submission"}, deduct={"mode": "halve", "points": 1}),
        with_rule(),
    ]
    assert [validator.is_valid(data) for data in bad] == [False] * len(bad)


def test_schema_command_prints_the_rubric_schema(
    make_registry: MakeRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = make_registry(one_rule(rule("testland.a1.r", "submission")))
    assert cli.main(["schema", "--rubric"], registry=reg) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert "submission" in schema["$defs"]["Evidence"]["properties"]["kind"]["enum"]
    assert jsonschema.Draft202012Validator(schema).is_valid(
        yaml.safe_load(BUILT_IN[0].read_text(encoding="utf-8"))
    )


# --- the built-in rubrics use the short forms --------------------------------------------------------


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: p.name)
def test_built_in_rubrics_are_written_short(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 100
    rub = load_rubric(path, RubricComposer(Registry(load_entrypoints=False).rule_libraries))
    data = yaml.safe_load(text)
    written = [r for a in data["areas"] for i in a["indicators"] for r in i["rules"]]
    assert all(r["id"].startswith(".") for r in written)
    assert any("check" in r for r in written)
    assert sum("document" in r["citation"] for r in written) == 0
    assert all(r.citation.document == data["citation_document"] for r in rub.all_rules())


def test_structure_rubric_reports_every_problem_at_once() -> None:
    data = one_rule(rule(".r", "submission", deduct={"mode": "once", "points": 1}))
    data["colour"] = "red"
    with pytest.raises(RubricError) as info:
        structure_rubric(data)
    assert len(info.value.errors) == 2


# --- parameter overrides -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def param_rubric() -> Rubric:
    return structure_rubric(
        one_rule(
            rule("t.a1.r", "submission"),
            parameters={
                "a6_two_defects": {"value": "0.2", "citation": CITE},
                "limit": {"value": 3, "citation": CITE},
            },
        )
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("abc", "'abc' is not a number"),
        ("", "'' is not a number"),
        ("NaN", "'NaN' is not a finite number"),
        ("Infinity", "'Infinity' is not a finite number"),
        ("-inf", "'-inf' is not a finite number"),
        ("1e999999999", "'1e999999999' is out of range"),
        ("1e-999999999", "'1e-999999999' is out of range"),
        ("1000000000000", "'1000000000000' is out of range"),
        ("0.0000001", "'0.0000001' is out of range"),
        ("9" * 100_000, "'99999999999999999999999999999999999...' is out of range"),
        (True, "True is not a number"),
        (None, "None is not a number"),
        ([1], "[1] is not a number"),
    ],
)
def test_a_bad_override_names_the_parameter_and_what_is_allowed(
    param_rubric: Rubric, raw: object, problem: str
) -> None:
    start = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        resolve_parameters(param_rubric, {"a6_two_defects": raw})
    assert time.perf_counter() - start < 0.5  # refused quickly, even '1e999999999'
    message = str(info.value)
    assert message.startswith(f"parameter 'a6_two_defects': {problem}; expected a decimal number")
    assert "\n" not in message and len(message) < 200
    assert not isinstance(info.value, UnknownParameterError)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0.25", "0.25"),
        ("3", "3"),
        (" 0.5 ", "0.5"),
        (2, "2"),
        (0.1, "0.1"),
        (Decimal("0.30"), "0.30"),
        ("999999999999", "999999999999"),
        ("0.000001", "0.000001"),
        ("0.50000000", "0.50000000"),
        ("0e999", "0e999"),
    ],
)
def test_good_overrides_are_exact(param_rubric: Rubric, raw: object, value: str) -> None:
    assert resolve_parameters(param_rubric, {"a6_two_defects": raw})["a6_two_defects"] == Decimal(
        value
    )


def test_an_unknown_parameter_lists_the_known_ones(param_rubric: Rubric) -> None:
    with pytest.raises(
        UnknownParameterError, match="has no parameter 'b6'; its parameters: a6_two_defects, limit"
    ):
        resolve_parameters(param_rubric, {"b6": "1"})


def test_a_rubric_parameter_out_of_range_is_a_rubric_error(make_registry: MakeRegistry) -> None:
    data = one_rule(
        rule("t.a1.r", "submission", deduct={"mode": "fixed", "points": {"param": "p"}}),
        parameters={"p": {"value": "1000000000000", "citation": CITE}},
    )
    assert errors_of(make_registry, data) == [
        "parameters.p.value: expected a decimal number with at most 12 digits before and 6 after the point, e.g. 0.2"
    ]


def test_the_command_line_prints_one_line(
    make_registry: MakeRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = make_registry(
        one_rule(
            rule("testland.a1.r", "submission"),
            parameters={"a6_two_defects": {"value": 0.2, "citation": CITE}},
        )
    )
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts_file()), encoding="utf-8")
    argv = ["evaluate", str(path), "--region", "testland", "--param", "a6_two_defects=abc"]
    assert cli.main(argv, registry=reg) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: parameter 'a6_two_defects': 'abc' is not a number; expected")
    assert err.count("\n") == 1
    compiled_ok = compile_rubric(
        reg.get_rubric("testland", 2020), reg.fact_kinds, {"a6_two_defects": "0.3"}
    )
    assert compiled_ok.parameters["a6_two_defects"] == Decimal("0.3")


def test_grade_lines_must_go_from_the_highest_down() -> None:
    """An override such as excellent_min=10 once gave the best units 良好 and the worst 优秀
    (the scale was sorted by threshold in silence); in a rubric file, likewise."""
    from govopen_rules import GovOpenRulesError
    from govopen_rules.plugins.registry import default_registry

    registry = default_registry()
    with pytest.raises(GovOpenRulesError, match="parameter 'good_min': 良好 from 60 is not below"):
        registry.runnable("yanan", 2020, {"excellent_min": "10", "good_min": "60"})
    with pytest.raises(GovOpenRulesError, match="is not below 优秀 from 0.5"):
        registry.runnable("yanan", 2020, {"excellent_min": ".5"})
    registry.runnable("yanan", 2020, {"excellent_min": "70", "good_min": "50"})  # in order
