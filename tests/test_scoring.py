"""Deduction policies, caps, floor, veto, bonus and verdict statuses, end to end."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govopen_rules import Effect, EvaluationResult, Registry, Status, evaluate

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}


def sub(late: bool) -> dict[str, Any]:
    due = "2020-06-01"
    return {
        "kind": "submission",
        "item": "月报",
        "due_on": due,
        "submitted_on": "2020-06-05" if late else "2020-05-30",
    }


def one(make_registry: MakeRegistry, r: dict[str, Any], points: str = "1", **ind: Any) -> Registry:
    return make_registry(rubric(area("A", indicator("A1", points, r, **ind))))


def run(reg: Registry, *facts: dict[str, Any], **kw: Any) -> EvaluationResult:
    return evaluate(facts_file(*facts, **kw), region="testland", year=2020, registry=reg)


def test_fixed_deduction_fires_once(make_registry: MakeRegistry) -> None:
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE))
    result = run(reg, sub(True), sub(True), sub(False))
    v = result.verdict("t.a.r")
    assert (v.status, v.points, v.count) == (Status.DEDUCTED, Decimal("0.5"), 2)
    assert [e.fact_index for e in v.evidence] == [0, 1]
    assert result.total == Decimal("0.5")


def test_clear_when_evidence_has_no_problem(make_registry: MakeRegistry) -> None:
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE))
    v = run(reg, sub(False)).verdict("t.a.r")
    assert (v.status, v.points) == (Status.CLEAR, Decimal(0))
    assert v.evidence[0].values["late"] == "false"


def test_per_unit_with_tiers_and_the_boundary(make_registry: MakeRegistry) -> None:
    deduct = {"mode": "per_unit", "points": "0.1", "tiers": [{"at_least": 3, "points": 1}]}
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE, deduct=deduct))
    assert run(reg, sub(True)).total == Decimal("0.9")
    assert run(reg, sub(True), sub(True)).total == Decimal("0.8")
    assert run(reg, *[sub(True)] * 3).total == Decimal("0")  # exactly 3 → the tier
    assert run(reg, *[sub(True)] * 5).total == Decimal("0")


def test_per_unit_adds_exactly_in_decimal(make_registry: MakeRegistry) -> None:
    deduct = {"mode": "per_unit", "points": "0.1"}
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE, deduct=deduct), points="10")
    result = run(reg, *[sub(True)] * 3)
    assert result.total == Decimal("9.7")  # 0.1 + 0.1 + 0.1 as floats is 0.30000000000000004
    assert str(result.total) == "9.7"


def test_rule_cap(make_registry: MakeRegistry) -> None:
    deduct = {"mode": "per_unit", "points": "0.2"}
    r = rule(
        "t.a.r",
        "guide_catalogue",
        deduct=deduct,
        cap="0.5",
        where={"field": "missing_element_count", "exists": True},
        count={"mode": "sum", "field": "missing_element_count"},
    )
    reg = one(make_registry, r)
    two = {
        "kind": "guide_catalogue",
        "document": "guide",
        "missing_elements": ["传真号码", "办公地址"],
    }
    assert run(reg, two).verdict("t.a.r").points == Decimal("0.4")
    four = {"kind": "guide_catalogue", "document": "guide", "missing_elements": list("abcd")}
    v = run(reg, four).verdict("t.a.r")
    assert (v.count, v.points) == (4, Decimal("0.5"))


def test_indicator_cap_and_floor(make_registry: MakeRegistry) -> None:
    rules = [
        rule(f"t.a.r{i}", "submission", when=LATE, deduct={"mode": "fixed", "points": "1"})
        for i in range(3)
    ]
    capped = make_registry(rubric(area("A", indicator("A1", "2", *rules, cap="1.5"))))
    assert run(capped, sub(True)).indicator("A1").score == Decimal("0.5")
    uncapped = make_registry(rubric(area("A", indicator("A1", "2", *rules)), region="floor"))
    result = evaluate(facts_file(sub(True)), region="floor", year=2020, registry=uncapped)
    assert result.indicator("A1").deducted == Decimal("2")
    assert result.indicator("A1").score == Decimal("0")  # 3 points lost, never below zero


def test_area_cap(make_registry: MakeRegistry) -> None:
    inds = [
        indicator(
            f"A{i}",
            "1",
            rule(f"t.a{i}.r", "submission", when=LATE, deduct={"mode": "fixed", "points": "1"}),
        )
        for i in range(3)
    ]
    reg = make_registry(rubric(area("A", *inds, cap="1.5")))
    result = run(reg, sub(True))
    assert result.areas[0].deducted == Decimal("1.5")
    assert result.total == Decimal("1.5")


def test_missing_values_count(make_registry: MakeRegistry) -> None:
    r = rule(
        "t.a.r",
        "policy_interpretation",
        where={"field": "domain", "exists": True},
        count={"mode": "missing_values", "field": "domain", "values": ["就业", "教育", "医疗"]},
        deduct={"mode": "per_unit", "points": "0.2"},
    )
    reg = one(make_registry, r)

    def interp(domain: str) -> dict[str, Any]:
        return {"kind": "policy_interpretation", "domain": domain}

    v = run(reg, interp("就业"), interp("就业"), interp("其他")).verdict("t.a.r")
    assert (v.status, v.count, v.points) == (Status.DEDUCTED, 2, Decimal("0.4"))
    assert (
        run(reg, interp("就业"), interp("教育"), interp("医疗")).verdict("t.a.r").status
        is Status.CLEAR
    )


def test_absent_count(make_registry: MakeRegistry) -> None:
    r = rule(
        "t.a.r",
        "policy_interpretation",
        where={"field": "by_principal_leader", "exists": True},
        when={"field": "by_principal_leader", "eq": True},
        count={"mode": "absent"},
    )
    reg = one(make_registry, r)
    no = {"kind": "policy_interpretation", "by_principal_leader": False}
    yes = {"kind": "policy_interpretation", "by_principal_leader": True}
    assert run(reg, no, no).verdict("t.a.r").status is Status.DEDUCTED
    assert run(reg, no, yes).verdict("t.a.r").status is Status.CLEAR
    assert run(reg).verdict("t.a.r").status is Status.NO_EVIDENCE


def test_no_evidence_flag_costs_or_clear(make_registry: MakeRegistry) -> None:
    flag = rule("t.a.flag", "submission", when=LATE)
    cost = rule(
        "t.a.cost",
        "assessment_weight",
        when={"field": "included", "eq": False},
        missing_evidence={
            "mode": "fixed",
            "points": "0.2",
            "note": "未提供台账资料",
            "citation": {"clause": "第3项", "quote": "需提供台账资料"},
        },
    )
    fine = rule(
        "t.a.fine",
        "public_opinion_incident",
        when={"field": "negative", "eq": True},
        missing_evidence={"mode": "clear", "note": "未记录即未发生"},
    )
    reg = make_registry(rubric(area("A", indicator("A1", "3", flag, cost, fine))))
    result = run(reg)
    assert result.verdict("t.a.flag").status is Status.NO_EVIDENCE
    assert result.verdict("t.a.flag").points == 0
    assert result.verdict("t.a.cost").status is Status.NO_EVIDENCE
    assert result.verdict("t.a.cost").points == Decimal("0.2")
    assert "未提供台账资料" in result.verdict("t.a.cost").message
    assert result.verdict("t.a.fine").status is Status.CLEAR
    assert result.total == Decimal("2.8")
    assert {v.rule_id for v in result.findings()} == {"t.a.flag", "t.a.cost"}


def test_not_applicable(make_registry: MakeRegistry) -> None:
    r = rule("t.a.r", "submission", when=LATE, applies_to=["county_government"])
    reg = one(make_registry, r)
    v = run(reg, sub(True), unit_kind="department").verdict("t.a.r")
    assert (v.status, v.points) == (Status.NOT_APPLICABLE, Decimal(0))
    assert run(reg, sub(True)).verdict("t.a.r").status is Status.DEDUCTED


def test_veto_and_bonus(make_registry: MakeRegistry) -> None:
    veto = rule(
        "t.a.veto",
        "content_error",
        when={"field": "severity", "eq": "serious"},
        deduct={"mode": "veto"},
        missing_evidence={"mode": "clear", "note": "未记录即未发生"},
    )
    bonus = rule("t.a.bonus", "survey_activity", deduct={"mode": "bonus", "points": "2"})
    data = rubric(
        area("A", indicator("A1", "1", veto, bonus)),
        bonus_cap="1.5",
        veto_grade="不合格",
        grades=[{"label": "优秀", "min_score": "2"}, {"label": "合格", "min_score": "0"}],
    )
    reg = make_registry(data)
    survey = {"kind": "survey_activity", "title": "问卷"}
    result = run(reg, survey)
    assert (result.bonus, result.total, result.grade) == (Decimal("1.5"), Decimal("2.5"), "优秀")
    assert result.verdict("t.a.bonus").effect is Effect.BONUS
    assert result.findings() == []
    vetoed = run(reg, survey, {"kind": "content_error", "severity": "serious"})
    assert vetoed.vetoed and vetoed.grade == "不合格"
    assert run(reg, {"kind": "content_error", "severity": "minor"}).grade == "合格"


def test_self_score_gap(make_registry: MakeRegistry) -> None:
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE))
    result = run(reg, sub(True), {"kind": "self_score", "indicator": "A1", "points": "1"})
    ind = result.indicator("A1")
    assert (ind.self_score, ind.score, ind.self_score_gap) == (
        Decimal(1),
        Decimal("0.5"),
        Decimal("0.5"),
    )
    assert ind.self_score_supported is False
    ok = run(reg, sub(False), {"kind": "self_score", "indicator": "A1", "points": "1"})
    assert ok.indicator("A1").self_score_supported is True


def test_working_day_boundary_through_the_pipeline(make_registry: MakeRegistry) -> None:
    r = rule(
        "t.a.late",
        "policy_interpretation",
        where={"field": "policy_published_on", "exists": True},
        when={"field": "delay_workdays", "gt": 3},
    )
    reg = one(make_registry, r)

    def interp(published: str) -> dict[str, Any]:
        return {
            "kind": "policy_interpretation",
            "policy_published_on": "2020-09-28",
            "published_on": published,
        }

    # 09-29, 09-30, 10-09 are the 3 working days after 2020-09-28 (10-01..10-08 holiday).
    assert run(reg, interp("2020-10-09")).verdict("t.a.late").status is Status.CLEAR
    v = run(reg, interp("2020-10-10")).verdict("t.a.late")  # Saturday, a 调休 working day
    assert v.status is Status.DEDUCTED
    assert v.evidence[0].values["delay_workdays"] == "4"


def test_parameters_override_assumed_values(make_registry: MakeRegistry) -> None:
    r = rule(
        "t.a.r",
        "submission",
        when=LATE,
        deduct={"mode": "fixed", "points": {"param": "late_points"}},
    )
    reg = make_registry(
        rubric(
            area("A", indicator("A1", "1", r)),
            parameters={"late_points": {"value": "0.3", "assumed": True, "note": "不详"}},
        )
    )
    result = run(reg, sub(True))
    assert result.total == Decimal("0.7")
    assert result.verdict("t.a.r").assumptions == ("late_points",)
    assert result.assumed_parameters == ("late_points",)
    changed = evaluate(
        facts_file(sub(True)), region="testland", registry=reg, parameters={"late_points": "0.4"}
    )
    assert changed.total == Decimal("0.6")
    assert changed.parameters["late_points"] == Decimal("0.4")


# --- properties ---------------------------------------------------------------------

POINTS = st.sampled_from(["0.1", "0.2", "0.3", "0.5", "1"])


@settings(max_examples=60, deadline=None)
@given(
    per=POINTS,
    cap=POINTS,
    ind_points=st.sampled_from(["0.5", "1", "2"]),
    lates=st.lists(st.booleans(), max_size=12),
    seed=st.randoms(),
)
def test_caps_hold_scores_stay_in_range_and_order_does_not_matter(
    make_registry: MakeRegistry,
    per: str,
    cap: str,
    ind_points: str,
    lates: list[bool],
    seed: Any,
) -> None:
    r1 = rule(
        "t.a.per", "submission", when=LATE, deduct={"mode": "per_unit", "points": per}, cap=cap
    )
    r2 = rule("t.a.fix", "submission", when=LATE, deduct={"mode": "fixed", "points": per})
    reg = make_registry(rubric(area("A", indicator("A1", ind_points, r1, r2))))
    facts = [sub(late) for late in lates]
    result = run(reg, *facts)
    ind = result.indicator("A1")
    assert Decimal(0) <= ind.score <= Decimal(ind_points)
    assert result.verdict("t.a.per").points <= Decimal(cap)
    assert ind.deducted <= Decimal(ind_points)
    expected_per = min(Decimal(per) * sum(lates), Decimal(cap))
    if facts:
        assert result.verdict("t.a.per").points == expected_per
    shuffled = copy.deepcopy(facts)
    seed.shuffle(shuffled)
    again = run(reg, *shuffled)
    assert again.total == result.total
    assert [(v.rule_id, v.status, v.points, v.count) for v in again.verdicts()] == [
        (v.rule_id, v.status, v.points, v.count) for v in result.verdicts()
    ]


def test_evaluate_does_not_mutate_its_input(make_registry: MakeRegistry) -> None:
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE))
    data = facts_file(sub(True), as_of="2020-12-31")
    before = copy.deepcopy(data)
    evaluate(data, region="testland", registry=reg)
    assert data == before


@pytest.mark.parametrize("as_of", [None, "2020-07-01"])
def test_unsubmitted_material_is_late_only_once_due(
    make_registry: MakeRegistry, as_of: str | None
) -> None:
    reg = one(make_registry, rule("t.a.r", "submission", when=LATE))
    pending = {"kind": "submission", "item": "x", "due_on": "2020-06-01"}
    v = run(reg, pending, as_of=as_of).verdict("t.a.r")
    # Without a check date nothing says whether it is late yet: no evidence either way.
    assert v.status is (Status.DEDUCTED if as_of else Status.NO_EVIDENCE)


def test_shortfall_count(make_registry: MakeRegistry) -> None:
    r = rule("t.a.few", "policy_interpretation", count={"mode": "shortfall", "minimum": 3},
             deduct={"mode": "per_unit", "points": "0.5"})
    reg = one(make_registry, r, points="2")
    interp = {"kind": "policy_interpretation", "policy_title": "x"}
    assert run(reg, interp).verdict("t.a.few").points == Decimal("1")  # 2 short
    assert run(reg, interp, interp).verdict("t.a.few").points == Decimal("0.5")
    assert run(reg, interp, interp, interp).verdict("t.a.few").status is Status.CLEAR  # exactly 3
    assert run(reg).verdict("t.a.few").status is Status.NO_EVIDENCE
