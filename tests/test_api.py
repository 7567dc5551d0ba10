from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from govopen_rules import (
    EvaluationResult,
    FactsValidationError,
    Registry,
    evaluate,
    from_json,
    structure_facts_file,
    to_json,
)

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def reg(make_registry: MakeRegistry) -> Registry:
    rules = [
        rule("t.a.late", "submission", when=LATE),
        rule("t.a.overdue", "information_request", when={"field": "overdue", "eq": True}),
    ]
    return make_registry(rubric(area("A", indicator("A1", "1", *rules)), region="api"))


def test_result_round_trips_through_json(reg: Registry) -> None:
    data = facts_file(
        {
            "kind": "submission",
            "item": "月报",
            "due_on": "2020-06-01",
            "submitted_on": "2020-06-03",
        },
        {"kind": "self_score", "indicator": "A1", "points": "1.0"},
    )
    result = evaluate(data, region="api", registry=reg)
    text = to_json(result)
    payload = json.loads(text)
    assert payload["total"] == "0.5"
    assert payload["areas"][0]["indicators"][0]["verdicts"][0]["status"] == "deducted"
    assert from_json(text, EvaluationResult) == result


def test_a_typed_facts_file_is_accepted(reg: Registry) -> None:
    typed = structure_facts_file(facts_file(), reg.fact_kinds)
    assert evaluate(typed, region="api", registry=reg).total == Decimal(1)


def test_year_must_match_the_facts(reg: Registry) -> None:
    with pytest.raises(FactsValidationError, match="the facts are for 2021"):
        evaluate(facts_file(year=2021), region="api", year=2020, registry=reg)


def test_a_date_outside_the_calendar_names_the_fact_when_strict(reg: Registry) -> None:
    strict = Registry(reg.plugin_manager, strict_calendar=True)
    data = facts_file({"kind": "information_request", "received_on": "2030-01-02"})
    with pytest.raises(FactsValidationError) as info:
        evaluate(data, region="api", registry=strict)
    assert info.value.errors[0].startswith("facts[0]: no holiday calendar for 2030")


def test_a_date_outside_the_data_is_scored_on_a_provisional_calendar(reg: Registry) -> None:
    data = facts_file({"kind": "information_request", "received_on": "2030-01-02"})
    result = evaluate(data, region="api", registry=reg)
    assert result.provisional_calendar_years == (2030,)
    ordinary = facts_file({"kind": "information_request", "received_on": "2020-01-02"})
    assert evaluate(ordinary, region="api", registry=reg).provisional_calendar_years == ()


def test_self_score_for_an_unknown_indicator(reg: Registry) -> None:
    data = facts_file({"kind": "self_score", "indicator": "Z9", "points": "1"})
    with pytest.raises(
        FactsValidationError, match=r"facts\[0\].indicator: 'Z9' is not an indicator of api-2020"
    ):
        evaluate(data, region="api", registry=reg)


def test_facts_the_rubric_ignores_are_not_derived(reg: Registry) -> None:
    # A consultation in a year the calendar lacks does not matter to this rubric.
    data = facts_file({"kind": "consultation", "received_on": "2030-01-02"})
    assert evaluate(data, region="api", registry=reg).total == Decimal(1)


def test_overdue_request_uses_working_days(reg: Registry) -> None:
    def request(replied: str) -> dict[str, object]:
        return {"kind": "information_request", "received_on": "2020-09-28", "replied_on": replied}

    on_time = evaluate(facts_file(request("2020-11-02")), region="api", registry=reg)
    late = evaluate(facts_file(request("2020-11-03")), region="api", registry=reg)
    assert on_time.verdict("t.a.overdue").status.value == "clear"
    assert late.verdict("t.a.overdue").status.value == "deducted"
    assert late.verdict("t.a.overdue").evidence[0].values["deadline"] == "2020-11-02"


def test_the_compiled_rubric_cache_is_bounded(make_registry: MakeRegistry) -> None:
    data = rubric(
        area("A", indicator("A1", "2", rule("c.a.late", "submission", when={"field": "late", "eq": True},
                                            deduct={"mode": "per_unit", "points": {"param": "p"}}))),
        region="cache",
        parameters={"p": {"value": "0.5"}},
    )
    reg = Registry(make_registry(data).plugin_manager, compiled_cache_size=3)
    late = facts_file({"kind": "submission", "item": "x", "due_on": "2020-06-01",
                       "submitted_on": "2020-06-09"})
    for step in range(1, 11):
        result = evaluate(late, region="cache", registry=reg, parameters={"p": f"0.{step}"})
        assert result.total == 2 - Decimal(f"0.{step}")
        assert reg.compiled_count <= 3
    again = evaluate(late, region="cache", registry=reg, parameters={"p": "0.1"})  # evicted, rebuilt
    assert again.total == Decimal("1.9")


def test_compact_json_is_the_same_value_as_indented_json() -> None:
    """Compact JSON (orjson, for streamed results) and indented JSON (the standard library)
    carry the same value, and both read back to the same result."""
    facts = json.loads(
        (ROOT / "plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"),
        parse_float=Decimal,
    )
    result = evaluate(facts, region="xuanwei", year=2020)
    compact, indented = to_json(result, indent=None), to_json(result)
    assert "\n" not in compact
    assert json.loads(compact) == json.loads(indented)
    assert from_json(compact, EvaluationResult) == result


def test_compact_json_falls_back_where_orjson_cannot_write() -> None:
    """orjson refuses integers past 64 bits; the standard library writes them."""
    big = {"count": 2**70, "share": Decimal("0.1")}
    assert json.loads(to_json(big, indent=None)) == {"count": 2**70, "share": "0.1"}
