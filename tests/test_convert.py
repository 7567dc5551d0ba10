from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from decimal import Decimal

import attrs
import jsonschema
import pytest

from govopen_rules import (
    EvaluationResult,
    FactsValidationError,
    Registry,
    facts_json_schema,
    from_json,
    structure_facts_file,
    to_json,
)
from govopen_rules.errors import Problem, ValidationError
from govopen_rules.facts.model import InformationRequest, StatisticsBreakdown

from builders import facts_file


def problems(registry: Registry, data: object) -> list[str]:
    with pytest.raises(FactsValidationError) as info:
        structure_facts_file(data, registry.fact_kinds)
    return list(info.value.errors)


def test_a_valid_file_is_typed(core_registry: Registry) -> None:
    data = facts_file(
        {"kind": "information_request", "received_on": "2020-09-28", "fee_charged": "0.10"},
        as_of="2020-12-31",
    )
    typed = structure_facts_file(data, core_registry.fact_kinds)
    request = typed.facts[0]
    assert isinstance(request, InformationRequest)
    assert request.received_on == dt.date(2020, 9, 28)
    assert request.fee_charged == Decimal("0.10")
    assert typed.as_of == dt.date(2020, 12, 31)


def test_every_problem_is_reported_with_its_path(core_registry: Registry) -> None:
    data = facts_file(
        {"kind": "information_request", "received_on": "2020-13-01"},
        {"kind": "policy_interpretation", "by_expert": "yes", "colour": "red"},
        {"kind": "hotline_figures", "period": "2020", "overdue_cases": "3"},
        {"kind": "assessment_weight"},
        {"kind": "policy_interpretation", "forms": ["图文", 3]},
    )
    assert problems(core_registry, data) == [
        "facts[0].received_on: '2020-13-01' is not a date (YYYY-MM-DD)",
        "facts[1].by_expert: 'yes' is not true or false",
        "facts[1]: unknown field(s) colour",
        "facts[2].overdue_cases: '3' is not a whole number",
        "facts[3].included: required field missing",
        "facts[4].forms[1]: 3 is not a string",
    ]


def test_unknown_kind_lists_the_known_kinds(core_registry: Registry) -> None:
    [message] = problems(core_registry, facts_file({"kind": "policy"}))
    assert message.startswith("facts[0].kind: unknown fact kind 'policy'; known kinds: ")
    assert "policy_document" in message and "policy_interpretation" in message


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        (
            {"kind": "website_check", "site": "x", "result": "ok"},
            "facts[0].result: 'ok' is not one of: qualified, unqualified",
        ),
        (
            {"kind": "assessment_weight", "included": True, "weight_percent": "abc"},
            "'abc' is not a number",
        ),
        (
            {"kind": "assessment_weight", "included": True, "weight_percent": "Infinity"},
            "not a finite number",
        ),
        ({"kind": "assessment_weight", "included": 1}, "1 is not true or false"),
        ({"kind": "submission", "item": 5}, "5 is not a string"),
        (
            {"kind": "policy_interpretation", "forms": "图文"},
            "facts[0].forms: '图文' is not a list",
        ),
        ("not a fact", "expected a mapping with a 'kind'"),
    ],
)
def test_strict_scalars(core_registry: Registry, fact: object, message: str) -> None:
    found = problems(core_registry, facts_file(fact))  # type: ignore[arg-type]
    assert any(message in p for p in found), found


def test_file_level_problems(core_registry: Registry) -> None:
    assert problems(core_registry, [1]) == ["$: expected a mapping, got list"]
    found = problems(core_registry, {"facts": {}, "extra": 1})
    assert "unit: required field missing" in found
    assert "year: required field missing" in found
    assert "facts: expected a list, got mapping" in found
    assert "$: unknown field(s) extra" in found
    bad_unit = facts_file()
    bad_unit["unit"]["kind"] = "ministry"
    assert any(p.startswith("unit.kind:") for p in problems(core_registry, bad_unit))


def test_structuring_does_not_mutate_the_input(core_registry: Registry) -> None:
    data = facts_file({"kind": "policy_interpretation", "forms": ["图文"], "domain": "就业"})
    before = copy.deepcopy(data)
    structure_facts_file(data, core_registry.fact_kinds)
    assert data == before


def test_round_trip_keeps_decimals_and_dates_exact(core_registry: Registry) -> None:
    data = facts_file(
        {
            "kind": "statistics_breakdown",
            "label": "申请",
            "total": 129,
            "parts": [{"label": "当面", "count": 30, "percent": "23.26"}],
        },
        {"kind": "information_request", "received_on": "2020-09-28", "fee_charged": "0.10"},
        as_of="2020-12-31",
    )
    typed = structure_facts_file(data, core_registry.fact_kinds)
    text = to_json(typed)
    assert '"0.10"' in text and '"23.26"' in text
    raw = json.loads(text)
    again = structure_facts_file(raw, core_registry.fact_kinds)
    assert again == typed
    assert isinstance(again.facts[0], StatisticsBreakdown)


def test_from_json_reads_numbers_as_decimal() -> None:
    text = '{"document": "d", "clause": "c", "quote": "0.1"}'
    from govopen_rules.rubric.model import Citation

    assert from_json(text, Citation).quote == "0.1"


def test_from_json_errors_name_the_class_not_facts() -> None:
    from govopen_rules.rubric.model import Citation

    with pytest.raises(ValidationError) as info:
        from_json("{}", Citation)
    assert not isinstance(info.value, FactsValidationError)
    assert info.value.source == "JSON of Citation"
    assert info.value.problems == (
        Problem("$.document", "required field missing"),
        Problem("$.clause", "required field missing"),
    )
    assert str(info.value).startswith("2 problems in JSON of Citation:\n  - $.document: ")
    with pytest.raises(ValidationError, match=r"^JSON of EvaluationResult: \$: not valid JSON"):
        from_json("{", EvaluationResult)
    with pytest.raises(ValidationError, match=r"problems in JSON of EvaluationResult") as result:
        from_json("{}", EvaluationResult)
    assert not isinstance(result.value, FactsValidationError)
    assert Problem("$.total", "required field missing") in result.value.problems


def test_a_validation_error_has_structured_problems_and_survives_pickling() -> None:
    exc = FactsValidationError(["facts[0].item: required field missing", Problem("year", "x")])
    assert exc.problems == (
        Problem("facts[0].item", "required field missing"),
        Problem("year", "x"),
    )
    assert exc.errors == ("facts[0].item: required field missing", "year: x")
    assert isinstance(exc, ValidationError) and isinstance(exc, ValueError)
    again = pickle.loads(pickle.dumps(exc))
    assert (type(again), again.problems, again.source) == (
        FactsValidationError,
        exc.problems,
        "facts file",
    )
    one = ValidationError(["no path here"], "x.json")
    assert str(one) == "x.json: $: no path here"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        one.problems[0].path = "y"  # type: ignore[misc]


def test_json_schema_accepts_valid_and_rejects_invalid_files(core_registry: Registry) -> None:
    schema = facts_json_schema(core_registry.fact_kinds)
    jsonschema.Draft202012Validator.check_schema(schema)
    good = facts_file(
        {"kind": "information_request", "received_on": "2020-09-28", "extended": True},
        {
            "kind": "statistics_breakdown",
            "label": "x",
            "total": 3,
            "parts": [{"label": "a", "count": 3, "percent": 100}],
        },
        {"kind": "self_score", "indicator": "A1", "points": "0.5"},
    )
    jsonschema.validate(good, schema)
    for bad in (
        facts_file({"kind": "information_request", "received_on": "28/09/2020"}),
        facts_file({"kind": "nope"}),
        facts_file({"kind": "website_check", "site": "x", "result": "ok"}),
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_schema_covers_every_registered_kind(core_registry: Registry) -> None:
    schema = facts_json_schema(core_registry.fact_kinds)
    kinds = {v["properties"]["kind"]["const"] for v in schema["$defs"].values()}
    assert kinds == set(core_registry.fact_kinds)


def test_a_lone_surrogate_is_refused_with_its_path_on_every_engine(
    core_registry: Registry,
) -> None:
    """JSON's ``"\\ud800"`` escape puts half a character in a string: not text (durable-rules
    once failed on it with ``pyAssertFacts Invalid argument`` while the python engine scored
    it). Refused wherever a string is read: a field, a list's item, the unit; a whole
    character outside the basic plane (a surrogate pair in JSON) is text."""
    from govopen_rules import evaluate

    data = facts_file(
        {"kind": "disclosure_item", "topic": "\ud800预算", "published": True},
        {"kind": "disclosure_item", "topic": "决算😀", "published": True,
         "missing_items": ["ok", "\udfff"]},
    )  # fmt: skip
    data["unit"]["name"] = "甲\udc00"
    expected = [
        "unit.name: '甲\\udc00' holds a lone surrogate, U+DC00, which is not text (a JSON \\u "
        "escape of half a character)",
        "facts[0].topic: '\\ud800预算' holds a lone surrogate, U+D800, which is not text (a JSON "
        "\\u escape of half a character)",
        "facts[1].missing_items[1]: '\\udfff' holds a lone surrogate, U+DFFF, which is not "
        "text (a JSON \\u escape of half a character)",
    ]
    assert problems(core_registry, data) == expected
    read = json.loads(json.dumps(data))  # what a JSON file with \u escapes gives
    assert problems(core_registry, read) == expected
    from govopen_rules.engines import durable_available

    for engine in ("python", "durable") if durable_available() else ("python",):
        with pytest.raises(FactsValidationError) as info:
            evaluate(data, region="xuanwei", year=2020, engine=engine)
        assert list(info.value.errors) == expected
    data["unit"]["name"] = "甲"
    del data["facts"][0]
    data["facts"][0]["missing_items"] = ["ok"]
    assert structure_facts_file(data, core_registry.fact_kinds).facts[0].topic == "决算😀"


def test_a_rubric_constant_holding_a_lone_surrogate_is_refused() -> None:
    """The engines compare encoded constants: durable-rules once failed on this one
    (``pyCreateRuleset Invalid argument``) while the python engine compiled it."""
    from govopen_rules.facts.encoding import encode_value
    from govopen_rules.facts.kinds import FieldType

    expected = r"'\\ud800预算' holds a lone surrogate, U\+D800, which is not text"
    with pytest.raises(ValueError, match=expected):
        encode_value("\ud800预算", FieldType.STR)
    assert encode_value("预算😀", FieldType.STR) == "预算😀"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"facts": [], "facts": [1]}', "$: the key 'facts' is given twice; say it once"),
        (
            '{"facts": [{"kind": "a"}, {"kind": "b", "note": "x", "note": "y"}]}',
            "facts[1]: the key 'note' is given twice; say it once",
        ),
        ('[{"a": [1, {"b": 1, "b": 1}]}]', "$[0].a[1]: the key 'b' is given twice; say it once"),
        ('{"a.b": [{"": 1, "": 2}]}', "$['a.b'][0]: the key '' is given twice; say it once"),
    ],
)
def test_a_key_given_twice_is_named_with_its_path(text: str, said: str) -> None:
    from govopen_rules.conversion import DuplicateKeyError, load_json_document

    with pytest.raises(DuplicateKeyError) as refused:
        load_json_document(text)
    assert str(refused.value) == said
