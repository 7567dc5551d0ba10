"""The facts JSON Schema, read by a standard validator: one error per problem, none for good files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govopen_rules import Registry, facts_json_schema

from builders import facts_file

PLUGINS = Path(__file__).parent.parent / "plugins"


@pytest.fixture(scope="module")
def validator(core_registry: Registry) -> jsonschema.Draft202012Validator:
    schema = facts_json_schema(core_registry.fact_kinds)
    jsonschema.Draft202012Validator.check_schema(schema)
    # With format checking on, as a strict producer would run it.
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[tuple[str, str]]:
    found = validator.iter_errors(json.loads(json.dumps(data)))
    return sorted((".".join(map(str, e.absolute_path)), e.validator) for e in found)


def test_an_unknown_kind_and_a_bad_date_are_two_errors(
    validator: jsonschema.Draft202012Validator,
) -> None:
    bad = facts_file(
        {"kind": "nope", "x": 1},
        {"kind": "information_request", "received_on": "2020-13-01"},
    )
    assert errors(validator, bad) == [
        ("facts.0.kind", "enum"),
        ("facts.1.received_on", "pattern"),
    ]


@pytest.mark.parametrize(
    ("fact", "where", "keyword"),
    [
        (
            {"kind": "information_request", "replied_on": "28/09/2020"},
            "facts.0.replied_on",
            "pattern",
        ),
        ({"kind": "information_request", "extended": "yes"}, "facts.0.extended", "type"),
        ({"kind": "website_check", "site": "x", "result": "ok"}, "facts.0.result", "enum"),
        ({"kind": "website_check", "result": "qualified"}, "facts.0", "required"),
        (
            {"kind": "submission", "item": "月报", "colour": "red"},
            "facts.0",
            "additionalProperties",
        ),
        (
            {"kind": "hotline_figures", "period": "q1", "quality_check_rate": "ten"},
            "facts.0.quality_check_rate",
            "pattern",
        ),
        ({"kind": "policy_interpretation", "forms": ["文字", 3]}, "facts.0.forms.1", "type"),
        (
            {"kind": "statistics_breakdown", "label": "x", "total": 1, "parts": [{"count": 1}]},
            "facts.0.parts.0",
            "required",
        ),
        ({"x": 1}, "facts.0", "required"),
    ],
)
def test_each_problem_is_one_error(
    validator: jsonschema.Draft202012Validator, fact: dict[str, Any], where: str, keyword: str
) -> None:
    assert errors(validator, facts_file(fact)) == [(where, keyword)]


def test_optional_fields_accept_null_and_decimals_accept_both_forms(
    validator: jsonschema.Draft202012Validator,
) -> None:
    good = facts_file(
        {"kind": "information_request", "received_on": None, "fee_charged": "0.50"},
        {"kind": "hotline_figures", "period": "q1", "quality_check_rate": 12.5},
        {"kind": "guide_catalogue", "document": "guide", "missing_elements": None},
    )
    assert errors(validator, good) == []


@pytest.mark.parametrize(
    "example",
    [
        "xuanwei/examples/xuanwei-2020.json",
        "yanan/examples/yanan-2020-cohort.json",
        "baoshan/examples/baoshan-2019-cohort.json",
    ],
)
def test_the_examples_are_valid(validator: jsonschema.Draft202012Validator, example: str) -> None:
    data = json.loads((PLUGINS / example).read_text(encoding="utf-8"))
    for unit in data.get("units", [data]):
        facts = {k: v for k, v in unit.items() if k != "published"}  # compared, not a fact
        assert errors(validator, facts) == []
