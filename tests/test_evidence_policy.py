"""Missing-evidence policy as rubric data, the evidence gate on grades, date parameters, and the
two silent no-ops that are now errors (an override that cannot change anything, a unit kind the
rubric does not cover)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import (
    EvaluationResult,
    Registry,
    Status,
    evaluate,
    evaluate_many,
    from_json,
    get_rubric,
    to_json,
)
from govopen_rules.errors import FactsValidationError, ParameterError, RubricError
from govopen_rules.evaluation.cohort import Agreement
from govopen_rules.reports.cohort import render_cohort_markdown
from govopen_rules.reports.text import render_text
from govopen_rules.rubric.schema import rubric_json_schema

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}
CITE = {"clause": "第3项 评分标准", "quote": "需提供台账资料"}
LEDGER = {"kind": "organisation_training", "business_training_sessions": 2}


def run(reg: Registry, *facts: dict[str, Any], **kw: Any) -> EvaluationResult:
    return evaluate(facts_file(*facts, **kw), region="testland", year=2020, registry=reg)


def training(rule_id: str, **extra: Any) -> dict[str, Any]:
    return rule(
        rule_id,
        "organisation_training",
        when={"field": "business_training_sessions", "lt": 1},
        deduct=extra.pop("deduct", {"mode": "fixed", "points": "0.2"}),
        **extra,
    )


# --- the policy, level by level ----------------------------------------------------------


def test_the_nearest_policy_decides_and_the_verdict_names_it(make_registry: MakeRegistry) -> None:
    data = rubric(
        area(
            "A",
            indicator(
                "A1",
                "1",
                training(
                    "t.a1.rule_level",
                    missing_evidence={"mode": "fixed", "points": "0.1", "citation": CITE},
                ),
                training("t.a1.indicator_level"),
                missing_evidence={"mode": "deduct", "citation": CITE, "note": "未提供台账资料"},
            ),
            indicator("A2", "1", training("t.a2.area_level")),
            missing_evidence={"mode": "clear", "note": "未记录即未发生"},
        ),
        area("B", indicator("B1", "1", training("t.b1.rubric_level"))),
        missing_evidence={"mode": "undecided", "note": "未见材料"},
    )
    result = run(make_registry(data))
    decided = {
        v.rule_id: (v.status, v.points, v.policy.level, v.policy.scope, v.policy.mode)
        for v in result.verdicts()
        if v.policy is not None
    }
    assert decided == {
        "t.a1.rule_level": (Status.NO_EVIDENCE, Decimal("0.1"), "rule", "t.a1.rule_level", "fixed"),
        "t.a1.indicator_level": (Status.NO_EVIDENCE, Decimal("0.2"), "indicator", "A1", "deduct"),
        "t.a2.area_level": (Status.CLEAR, 0, "area", "A", "clear"),
        "t.b1.rubric_level": (Status.NO_EVIDENCE, 0, "rubric", "testland-2020", "undecided"),
    }
    assert result.total == Decimal("2.7")
    assert "未提供台账资料" in result.verdict("t.a1.indicator_level").message
    # Facts decide where there are facts: no policy is named then.
    assert all(v.policy is None for v in run(make_registry(data), LEDGER).verdicts())


@pytest.mark.parametrize(
    ("deduct", "count", "charged"),
    [
        ({"mode": "fixed", "points": "0.5"}, {}, "0.5"),
        ({"mode": "per_unit", "points": "0.1"}, {}, "0.1"),  # one problem
        (
            {"mode": "per_unit", "points": "0.2", "tiers": [{"at_least": 1, "points": "0.3"}]},
            {},
            "0.3",
        ),
        ({"mode": "per_unit", "points": "0.1"}, {"mode": "shortfall", "minimum": 4}, "0.4"),
    ],
)
def test_deduct_charges_what_the_rule_deducts_for_one_problem(
    make_registry: MakeRegistry, deduct: dict[str, Any], count: dict[str, Any], charged: str
) -> None:
    r = rule(
        "t.a.r",
        "policy_interpretation",
        deduct=deduct,
        missing_evidence={"mode": "deduct", "citation": CITE},
    )
    if count:
        r["count"] = count
    v = run(make_registry(rubric(area("A", indicator("A1", "1", r))))).verdict("t.a.r")
    assert (v.status, v.points) == (Status.NO_EVIDENCE, Decimal(charged))
    assert v.at_stake is not None and v.at_stake >= v.points


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ({"mode": "fixed"}, "points: given with, and only with, mode fixed"),
        ({"mode": "deduct", "points": 1, "citation": CITE}, "given with, and only with"),
        ({"mode": "deduct"}, "citation: absence that costs points needs the source's words"),
        ({"mode": "fixed", "points": 1}, "absence that costs points needs the source's words"),
        ({"mode": "clear"}, "say why absence is the good case"),
        ({"mode": "fixed", "points": "1.5", "citation": CITE}, "is more than"),
        ({"mode": "maybe"}, "'maybe' is not one of: undecided, clear, deduct, fixed"),
    ],
)
def test_a_policy_says_what_it_needs(
    make_registry: MakeRegistry, policy: dict[str, Any], problem: str
) -> None:
    if "points" in policy and policy["points"] == "1.5":
        policy = policy | {"points": {"param": "p"}}
        data = rubric(
            area("A", indicator("A1", "1", training("t.a.r", missing_evidence=policy))),
            parameters={"p": {"value": "1.5", "assumed": True, "note": "n"}},
        )
    else:
        data = rubric(area("A", indicator("A1", "1", training("t.a.r"), missing_evidence=policy)))
    with pytest.raises(RubricError) as caught:
        make_registry(data).runnable("testland", 2020)
    assert problem in str(caught.value)


def test_the_rubric_must_state_its_default(make_registry: MakeRegistry) -> None:
    data = rubric(area("A", indicator("A1", "1", training("t.a.r"))))
    del data["missing_evidence"]
    with pytest.raises(RubricError) as caught:
        make_registry(data).runnable("testland", 2020)
    assert "$.missing_evidence: required" in str(caught.value)
    schema = rubric_json_schema()
    assert "missing_evidence" in schema["required"]


def test_absence_never_vetoes_nor_withholds_a_bonus(make_registry: MakeRegistry) -> None:
    veto = rule(
        "t.a.veto",
        "content_error",
        when={"field": "severity", "eq": "serious"},
        deduct={"mode": "veto"},
    )
    bonus = rule("t.a.bonus", "survey_activity", deduct={"mode": "bonus", "points": "1"})
    data = rubric(
        area("A", indicator("A1", "1", veto, bonus)),
        bonus_cap="1",
        veto_grade="不合格",
        grades=[{"label": "合格", "min_score": 0}],
        missing_evidence={"mode": "deduct", "citation": CITE},
    )
    result = run(make_registry(data))
    assert not result.vetoed and result.bonus == 0
    for v in result.verdicts():
        assert v.status is Status.NO_EVIDENCE and v.policy is not None
        assert v.policy.mode == "undecided" and "not decided by absent evidence" in v.policy.note
    assert (result.range.low_grade, result.range.high, result.range.high_grade) == (
        "不合格",
        2,
        "合格",
    )
    bad = rubric(
        area(
            "A",
            indicator("A1", "1", veto | {"missing_evidence": {"mode": "deduct", "citation": CITE}}),
        )
    )
    with pytest.raises(RubricError, match="a veto rule cannot cost points"):
        make_registry(bad).runnable("testland", 2020)


# --- the evidence gate -------------------------------------------------------------------

GRADES = [{"label": "优秀", "min_score": "0.8"}, {"label": "合格", "min_score": 0}]


def gated(make_registry: MakeRegistry, **gate: Any) -> Registry:
    late = rule("t.a.late", "submission", when=LATE, deduct={"mode": "fixed", "points": "0.5"})
    return make_registry(
        rubric(area("A", indicator("A1", "1", late)), grades=GRADES, evidence_gate=gate)
    )


def submission(late: bool) -> dict[str, Any]:
    return {
        "kind": "submission",
        "item": "月报",
        "due_on": "2020-06-01",
        "submitted_on": "2020-06-05" if late else "2020-05-30",
    }


def test_a_grade_the_evidence_does_not_settle_is_held_back(make_registry: MakeRegistry) -> None:
    reg = gated(make_registry, low_end=True)
    open_range = run(reg)
    assert (open_range.total, open_range.grade) == (1, "待核实")
    assert open_range.grade_held is not None
    assert open_range.grade_held.grade_by_total == "优秀"
    assert "low end: 合格" in open_range.grade_held.reason
    settled = run(reg, submission(False))
    assert (settled.grade, settled.grade_held) == ("优秀", None)
    assert run(reg, submission(True)).grade == "合格"


def test_the_gate_applies_to_the_grades_it_names(make_registry: MakeRegistry) -> None:
    reg = gated(make_registry, high_end=True, grades=["合格"], label="证据不足")
    assert run(reg).grade == "优秀"  # 优秀 is not gated
    late_and_open = run(reg, submission(True))
    assert late_and_open.grade == "合格"  # both ends 合格: the range is closed
    # With nothing recorded, half the point is settled (the rule can take only 0.5).
    assert run(gated(make_registry, min_evidence_share=60)).grade == "待核实"
    assert run(gated(make_registry, min_evidence_share=50)).grade == "优秀"
    assert run(gated(make_registry, min_evidence_share=60), submission(False)).grade == "优秀"


@pytest.mark.parametrize(
    ("gate", "problem"),
    [
        ({}, "require low_end, high_end or min_evidence_share"),
        ({"low_end": True, "grades": ["卓越"]}, "['卓越'] are not grades of the rubric"),
        ({"low_end": True, "label": "合格"}, "'合格' is a grade; name it apart"),
        ({"min_evidence_share": 120}, "is not a percentage"),
    ],
)
def test_a_gate_is_checked(make_registry: MakeRegistry, gate: dict[str, Any], problem: str) -> None:
    with pytest.raises(RubricError) as caught:
        gated(make_registry, **gate).runnable("testland", 2020)
    assert problem in str(caught.value)


def test_the_text_report_shows_the_range_the_held_grade_and_the_policy(
    make_registry: MakeRegistry,
) -> None:
    text = render_text(run(gated(make_registry, low_end=True)))
    assert (
        "总分 total: 1 / 1 (证据可证 range 0.5–1)  等次 grade: 待核实 (按总分 by total: 优秀;"
        in text
    )
    assert "已定 settled: 50% of the points  缺证据规则 rules without evidence: 1" in text
    assert "(至多 at stake -0.5)" in text
    assert "A1 指标A1  1 / 1  区间 range 0.5–1" in text


# --- built-in rubrics: an empty facts file ------------------------------------------------


@pytest.mark.parametrize(
    ("region", "year", "kind", "total", "low", "high", "grade"),
    [
        ("xuanwei", 2020, "county_government", "13.9", "0.8", "15", None),
        ("yanan", 2020, "county_government", "80", "0", "80", "待核实"),
        ("baoshan", 2019, "department", "100", "20", "100", "待核实"),
    ],
)
def test_an_empty_facts_file_under_each_built_in_rubric(
    region: str, year: int, kind: str, total: str, low: str, high: str, grade: str | None
) -> None:
    data = facts_file(year=year, unit_kind=kind)
    if region == "baoshan":
        data["unit"]["category"] = "A"
    result = evaluate(data, region=region, year=year)
    assert (result.total, result.range.low, result.range.high) == (
        Decimal(total),
        Decimal(low),
        Decimal(high),
    )
    assert result.grade == grade
    assert get_rubric(region, year).missing_evidence is not None


# --- no silent no-ops ----------------------------------------------------------------------


def test_an_override_above_what_the_indicator_can_lose_is_refused() -> None:
    with pytest.raises(ParameterError) as caught:
        evaluate(facts_file(), region="yanan", year=2020, parameters={"e1_five_days": 4})
    assert str(caught.value) == (
        "parameter 'e1_five_days': 4 is more than what indicator E1 can lose (3); give at most 3"
    )
    assert (
        evaluate(
            facts_file(), region="yanan", year=2020, parameters={"e1_five_days": 3}
        ).parameters["e1_five_days"]
        == 3
    )


def param_rubric(raises_cap: bool = False) -> dict[str, Any]:
    r = rule(
        "t.a.late",
        "submission",
        when=LATE,
        deduct={"mode": "per_unit", "points": {"param": "per_item"}},
        cap="0.4",
    )
    return rubric(
        area("A", indicator("A1", "1", r)),
        grades=[{"label": "优秀", "min_score": {"param": "top"}}],
        parameters={
            "per_item": {"value": "0.1", "assumed": True, "note": "推定", "raises_cap": raises_cap},
            "top": {"value": "0.9", "assumed": True, "note": "推定"},
        },
    )


def test_an_override_above_a_rules_cap_is_refused_unless_the_rubric_lets_it_raise_the_cap(
    make_registry: MakeRegistry,
) -> None:
    reg = make_registry(param_rubric())
    with pytest.raises(ParameterError, match="'per_item': 0.5 is more than the cap of rule"):
        reg.runnable("testland", 2020, {"per_item": "0.5"})
    with pytest.raises(ParameterError, match=r"'top': 2 is more than the rubric's points"):
        reg.runnable("testland", 2020, {"top": "2"})
    raising = make_registry(param_rubric(raises_cap=True))
    result = evaluate(
        facts_file(submission(True)),
        region="testland",
        registry=raising,
        parameters={"per_item": "0.5"},
    )
    assert result.verdict("t.a.late").points == Decimal("0.5")  # the cap 0.4 was raised
    with pytest.raises(ParameterError, match="what indicator A1 can lose"):
        raising.runnable("testland", 2020, {"per_item": "1.5"})


def test_a_rubric_value_above_its_cap_is_a_rubric_error(make_registry: MakeRegistry) -> None:
    data = param_rubric()
    data["parameters"]["per_item"]["value"] = "2"
    with pytest.raises(RubricError, match="parameter 'per_item' = 2 is more than what indicator"):
        make_registry(data).runnable("testland", 2020)


def test_a_unit_kind_the_rubric_does_not_cover_is_refused_or_not_applicable() -> None:
    city = facts_file(year=2020, unit_kind="city_government")
    with pytest.raises(FactsValidationError) as caught:
        evaluate(city, region="xuanwei", year=2020)
    assert caught.value.errors == (
        "unit.kind: 'city_government' is not covered by rubric 'xuanwei-2020-county', which "
        "covers county_government, park_committee (ask for not_applicable to score its rules "
        "not applicable)",
    )
    result = evaluate(city, region="xuanwei", year=2020, uncovered_kind="not_applicable")
    assert {v.status for v in result.verdicts()} == {Status.NOT_APPLICABLE}
    assert result.grade is None and result.range.low == result.range.high == 15


def test_a_cohort_fails_an_uncovered_unit_or_scores_it_not_applicable_in_order() -> None:
    units = [
        facts_file(year=2020, unit_kind=k)
        for k in ("county_government", "city_government", "park_committee")
    ]
    for i, u in enumerate(units):
        u["unit"]["id"] = f"u{i}"
    refused = evaluate_many(units, region="xuanwei", year=2020)
    assert [f.unit_id for f in refused.failures] == ["u1"]
    assert "is not covered by rubric" in refused.failures[0].errors[0]
    seen: list[str] = []
    scored = evaluate_many(
        units,
        region="xuanwei",
        year=2020,
        uncovered_kind="not_applicable",
        on_result=lambda r: seen.append(r.unit.id),
    )
    assert scored.failures == () and seen == ["u0", "u1", "u2"]
    assert [r.unit.id for r in scored.results] == ["u0", "u1", "u2"]
    uncovered = next(p for p in scored.groups[0].placements if p.unit_id == "u1")
    assert (uncovered.tier, uncovered.determined) == (None, True)


# --- date parameters -----------------------------------------------------------------------


def test_a_deadline_is_a_date_parameter() -> None:
    late = facts_file(
        {
            "kind": "rectification",
            "problem": "指南",
            "due_on": "2020-04-30",
            "reported_on": "2020-05-06",
        },
        year=2019,
        unit_kind="department",
    )
    late["unit"]["category"] = "A"
    result = evaluate(late, region="baoshan", year=2019)
    assert result.verdict("baoshan.g1.rectification_late").status is Status.DEDUCTED
    assert str(result.date_parameters["rectification_due"]) == "2020-04-30"
    moved = evaluate(
        late, region="baoshan", year=2019, parameters={"rectification_due": "2020-05-06"}
    )
    assert moved.verdict("baoshan.g1.rectification_late").status is Status.CLEAR
    with pytest.raises(ParameterError, match="'rectification_due': '6 May' is not a date"):
        evaluate(late, region="baoshan", year=2019, parameters={"rectification_due": "6 May"})


def test_a_date_parameter_is_not_a_number(make_registry: MakeRegistry) -> None:
    r = rule("t.a.r", "submission", when=LATE, deduct={"mode": "fixed", "points": {"param": "d"}})
    data = rubric(
        area("A", indicator("A1", "1", r)),
        parameters={"d": {"value": "2020-04-30", "citation": {"clause": "末段"}}},
    )
    with pytest.raises(RubricError, match="parameter 'd' is a date, not a number"):
        make_registry(data).runnable("testland", 2020)


# --- published tiers in a cohort -------------------------------------------------------------


def cohort_units() -> list[dict[str, Any]]:
    """Three units under a rubric with 优秀 ≥ 0.8: one settled 优秀, one settled 合格, one open."""
    units = []
    for uid, facts, tier in (
        ("good", [submission(False)], "优秀"),
        ("bad", [submission(True)], "优秀"),
        ("open", [], "合格"),
    ):
        data = facts_file(*facts)
        data["unit"] = {"id": uid, "name": uid, "kind": "county_government"}
        data["published"] = {"tier": tier, "source": "通报 二"}
        units.append(data)
    return units


def test_published_tiers_are_compared_never_evaluated(make_registry: MakeRegistry) -> None:
    reg = gated(make_registry, low_end=True, high_end=True)
    result = evaluate_many(cohort_units(), region="testland", year=2020, registry=reg)
    assert result.failures == ()
    group = result.groups[0]
    placed = {p.unit_id: p for p in group.placements}
    assert {k: (p.tier, p.determined, p.published, p.agreement) for k, p in placed.items()} == {
        "good": ("优秀", True, "优秀", Agreement.AGREES),
        "bad": ("合格", True, "优秀", Agreement.DISAGREES),
        "open": ("优秀", False, "合格", Agreement.UNDETERMINED),
    }
    assert group.determined == 2
    compared = group.published
    assert compared is not None
    assert (compared.agrees, compared.disagrees, compared.undetermined) == (1, 1, 1)
    assert [(t.label, t.count) for t in compared.tiers] == [("优秀", 2), ("合格", 1)]
    assert from_json(to_json(result), type(result)) == result
    text = render_cohort_markdown(result)
    assert "一致 agree: 1 · 不一致 disagree: 1 · 待核实 undetermined: 1" in text
    assert "| 1 | open | 1 | 0.5–1 | 优秀 | 合格–优秀 | 否 | 合格 | 待核实 undetermined |" in text


def test_published_tiers_may_be_given_by_unit_id_and_must_be_well_formed(
    make_registry: MakeRegistry,
) -> None:
    reg = gated(make_registry, low_end=True)
    units = cohort_units()
    for u in units:
        del u["published"]
    result = evaluate_many(
        units, region="testland", year=2020, registry=reg, published={"bad": "合格"}
    )
    placed = {p.unit_id: p.agreement for p in result.groups[0].placements}
    assert placed == {"good": None, "bad": Agreement.AGREES, "open": None}
    units[0]["published"] = "优秀"
    broken = evaluate_many(units, region="testland", year=2020, registry=reg)
    assert [f.unit_id for f in broken.failures] == ["good"]
    assert broken.failures[0].errors[0].startswith('published: expected {"tier": <label>')


def test_results_with_ranges_and_policies_round_trip(make_registry: MakeRegistry) -> None:
    result = run(gated(make_registry, low_end=True))
    assert result.verdict("t.a.late").policy is not None
    assert from_json(to_json(result), EvaluationResult) == result
    payload = json.loads(to_json(result))
    assert payload["range"] == {
        "low": "0.5",
        "high": "1",
        "low_grade": "合格",
        "high_grade": "优秀",
        "evidence_share": "50.00",
    }


def test_the_cli_evaluates_an_uncovered_kind_not_applicable_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from govopen_rules.cli.main import main

    path = tmp_path / "city.json"
    path.write_text(json.dumps(facts_file(year=2020, unit_kind="city_government")), "utf-8")
    assert main(["evaluate", str(path), "--region", "xuanwei"]) == 1
    assert "which covers county_government, park_committee" in capsys.readouterr().err
    assert (
        main(["evaluate", str(path), "--region", "xuanwei", "--uncovered-kind", "not_applicable"])
        == 0
    )
    assert "总分 total: 15 / 15 (证据可证 range 15–15)" in capsys.readouterr().out


def test_published_tiers_travel_with_units_given_as_json_text_and_streamed(
    make_registry: MakeRegistry,
) -> None:
    reg = gated(make_registry, low_end=True, high_end=True)
    texts = [json.dumps(u, ensure_ascii=False) for u in cohort_units()]
    lines: list[str] = []
    streamed = evaluate_many(
        texts, region="testland", year=2020, registry=reg, keep_results=False, on_json=lines.append
    )
    assert streamed.results == () and len(lines) == 3
    compared = streamed.groups[0].published
    assert compared is not None
    assert (compared.agrees, compared.disagrees, compared.undetermined) == (1, 1, 1)
    assert [json.loads(line)["range"]["low"] for line in lines] == ["1", "0.5", "0.5"]
