"""Score ranges: what the evidence proves, checked as properties.

A rubric whose rules each read their own fact kind lets a test *complete* a unit's facts: give
every rule that lacked evidence a fact, good or bad. Whatever the completion, its total lies in
the range, its grade between the grades at the ends; the worst completion reaches the low end
and the best the high end exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govopen_rules import EvaluationResult, Registry, Status, evaluate

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

CITE = {"clause": "第9条", "quote": "需提供台账资料"}

#: name → (rule, good fact, bad fact, most bad facts that still change the outcome)
RULES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any], int]] = {
    "sub": (
        rule(
            "t.a1.sub",
            "submission",
            when={"field": "late", "eq": True},
            deduct={"mode": "per_unit", "points": "0.3"},
        ),
        {
            "kind": "submission",
            "item": "月报",
            "due_on": "2020-06-01",
            "submitted_on": "2020-05-30",
        },
        {
            "kind": "submission",
            "item": "月报",
            "due_on": "2020-06-01",
            "submitted_on": "2020-06-05",
        },
        4,
    ),
    "err": (
        rule("t.a1.err", "content_error", when={"field": "severity", "eq": "serious"}),
        {"kind": "content_error", "severity": "minor"},
        {"kind": "content_error", "severity": "serious"},
        1,
    ),
    "press": (
        rule(
            "t.a2.press",
            "press_conference",
            when={"field": "attended", "eq": False},
            deduct={"mode": "fixed", "points": "0.4"},
        ),
        {"kind": "press_conference", "attended": True},
        {"kind": "press_conference", "attended": False},
        1,
    ),
    "media": (
        rule(
            "t.a2.media",
            "new_media_account",
            when={"field": "filed", "eq": False},
            deduct={
                "mode": "per_unit",
                "points": "0.2",
                "tiers": [{"at_least": 3, "points": "0.9"}],
            },
        ),
        {"kind": "new_media_account", "name": "号", "filed": True},
        {"kind": "new_media_account", "name": "号", "filed": False},
        3,
    ),
    "weight": (
        rule(
            "t.a3.weight",
            "assessment_weight",
            when={"field": "included", "eq": False},
            deduct={"mode": "fixed", "points": "0.6"},
        ),
        {"kind": "assessment_weight", "included": True},
        {"kind": "assessment_weight", "included": False},
        1,
    ),
    "web": (
        rule(
            "t.b1.web",
            "website_check",
            when={"field": "result", "eq": "unqualified"},
            deduct={"mode": "fixed", "points": "1"},
        ),
        {"kind": "website_check", "site": "门户", "result": "qualified"},
        {"kind": "website_check", "site": "门户", "result": "unqualified"},
        1,
    ),
    "site": (
        rule(
            "t.b1.site",
            "decision_consultation",
            when={"field": "feedback_published", "eq": False},
            deduct={"mode": "per_unit", "points": "0.25"},
            cap="0.5",
        ),
        {"kind": "decision_consultation", "title": "草案", "feedback_published": True},
        {"kind": "decision_consultation", "title": "草案", "feedback_published": False},
        2,
    ),
    "bonus": (
        rule(
            "t.b1.bonus",
            "survey_activity",
            where={"field": "held_on", "exists": True},
            when={"field": "held_in_year", "eq": True},
            deduct={"mode": "bonus", "points": "0.5"},
        ),
        {"kind": "survey_activity", "title": "问卷", "held_on": "2020-05-01"},
        {"kind": "survey_activity", "title": "问卷", "held_on": "2019-05-01"},
        1,
    ),
    "veto": (
        rule(
            "t.b1.veto",
            "public_opinion_incident",
            when={"field": "negative", "eq": True},
            deduct={"mode": "veto"},
        ),
        {"kind": "public_opinion_incident", "topic": "民族宗教", "negative": False},
        {"kind": "public_opinion_incident", "topic": "民族宗教", "negative": True},
        1,
    ),
}
GRADES = [
    {"label": "优秀", "min_score": "4"},
    {"label": "良好", "min_score": "3"},
    {"label": "合格", "min_score": "1"},
]
ORDER = ["优秀", "良好", "合格", None, "不合格"]  # best first; the veto grade last


def _rubric(variant: int) -> dict[str, Any]:
    """Variant 0: every rule undecided. Variant 1: policies at every level that charge points
    (an indicator that deducts, a rule with a fixed amount, an area whose absence is clear)."""
    r = {name: dict(spec[0]) for name, spec in RULES.items()}
    a3: dict[str, Any] = {}
    b: dict[str, Any] = {}
    if variant == 1:
        a3 = {"missing_evidence": {"mode": "deduct", "citation": CITE}}
        r["press"]["missing_evidence"] = {"mode": "fixed", "points": "0.3", "citation": CITE}
        r["sub"]["missing_evidence"] = {"mode": "deduct", "citation": CITE}
        b = {"missing_evidence": {"mode": "deduct", "citation": CITE}}
        r["web"]["missing_evidence"] = {"mode": "clear", "note": "第三方未通报即合格"}
    return rubric(
        area(
            "A",
            indicator("A1", "1", r["sub"], r["err"], cap="1"),
            indicator("A2", "1", r["press"], r["media"]),
            indicator("A3", "1", r["weight"], **a3),
        ),
        area("B", indicator("B1", "2", r["web"], r["site"], r["bonus"], r["veto"]), **b),
        region="t",
        bonus_cap="0.5",
        grades=GRADES,
        veto_grade="不合格",
    )


@pytest.fixture(scope="module")
def registries(make_registry: MakeRegistry) -> list[Registry]:
    return [make_registry(_rubric(0)), make_registry(_rubric(1))]


def _run(reg: Registry, states: dict[str, int | None]) -> EvaluationResult:
    """``states``: per rule, None (no fact), 0 (a good fact) or n (n bad facts)."""
    facts: list[dict[str, Any]] = []
    for name, state in states.items():
        _, good, bad, _ = RULES[name]
        if state == 0:
            facts.append(good)
        elif state:
            facts += [bad] * state
    return evaluate(facts_file(*facts), region="t", year=2020, registry=reg)


def _state(name: str) -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.integers(0, RULES[name][3]))


STATES = st.fixed_dictionaries({name: _state(name) for name in RULES})


def _lacking(result: EvaluationResult) -> list[str]:
    ids = {spec[0]["id"]: name for name, spec in RULES.items()}
    return [ids[v.rule_id] for v in result.verdicts() if v.status is Status.NO_EVIDENCE]


def _worst(name: str) -> int:
    return 1 if name == "bonus" else RULES[name][3]  # a bonus not earned is its bad fact


def _best(name: str) -> int:
    return 0


@settings(max_examples=80, deadline=None)
@given(states=STATES, completion=st.data(), variant=st.sampled_from([0, 1]))
def test_the_range_holds_every_completion_and_its_ends_are_reached(
    registries: list[Registry], states: dict[str, int | None], completion: Any, variant: int
) -> None:
    reg = registries[variant]
    result = _run(reg, states)
    span = result.range
    assert span.low <= result.total <= span.high
    assert span.low >= 0 and span.high <= result.points + Decimal("0.5")
    assert Decimal(0) <= span.evidence_share <= 100
    for ind in (i for a in result.areas for i in a.indicators):
        assert 0 <= ind.low <= ind.score <= ind.high <= ind.points
    lacking = _lacking(result)
    if not lacking:
        assert span.low == span.high == result.total and span.evidence_share == 100
        return
    # Any completion of the missing evidence lands inside the range, grade included.
    chosen = {name: completion.draw(st.integers(0, RULES[name][3]), label=name) for name in lacking}
    done = _run(reg, states | chosen)
    assert span.low <= done.total <= span.high
    assert ORDER.index(span.high_grade) <= ORDER.index(done.grade) <= ORDER.index(span.low_grade)
    # The worst completion is the low end, the best the high end, grades and all.
    worst = _run(reg, states | {name: _worst(name) for name in lacking})
    best = _run(reg, states | {name: _best(name) for name in lacking})
    assert (worst.total, worst.grade) == (span.low, span.low_grade)
    assert (best.total, best.grade) == (span.high, span.high_grade)
    assert worst.range.low == worst.range.high == span.low


def test_an_empty_facts_file_has_the_widest_range(registries: list[Registry]) -> None:
    result = _run(registries[0], {})
    # What the rules can take at most: A1 all of it, A2 all (0.4 + 0.9 > 1), A3 0.6 of 1, B1
    # 1.5 of 2 (web 1, site capped at 0.5); so 0.9 is left at the low end.
    assert (result.total, result.range.low, result.range.high) == (
        5,
        Decimal("0.9"),
        Decimal("5.5"),
    )
    assert (result.range.low_grade, result.range.high_grade) == ("不合格", "优秀")
    # Only the 0.4 of A3 and the 0.5 of B1 that no rule can take are settled: 0.4 of 5 points
    # net of the bonus (the range is 4.6 wide).
    assert result.range.evidence_share == 8
    charged = _run(registries[1], {})
    # A3 deducts 0.6 (indicator policy), press 0.3 (fixed), sub 0.3 (one problem), B deducts
    # site's one problem 0.25, web is clear; bonus and veto are never decided by absence.
    assert charged.total == Decimal("5") - Decimal("0.6") - Decimal("0.3") - Decimal("0.3") - (
        Decimal("0.25")
    )
    assert charged.verdict("t.b1.web").status is Status.CLEAR
    assert charged.verdict("t.b1.veto").policy is not None
    assert charged.verdict("t.b1.veto").policy.mode == "undecided"  # type: ignore[union-attr]
    # web's absence is clear by policy: its point is settled, not open.
    assert (charged.range.low, charged.range.high) == (Decimal("1.9"), Decimal("5.5"))


def test_a_unit_with_evidence_for_every_rule_has_a_closed_range(
    registries: list[Registry],
) -> None:
    every = {name: 0 for name in RULES}
    for reg in registries:
        result = _run(reg, every)
        assert result.range.low == result.range.high == result.total == Decimal("5.5")
        assert result.range.evidence_share == 100
        assert result.range.low_grade == result.range.high_grade == result.grade == "优秀"


def test_caps_bound_the_low_end(registries: list[Registry]) -> None:
    """The low end charges each rule at most what its indicator, its own cap and its area can
    lose: A1 (1 point) loses 1 although sub could take 0.3 × many and err 0.5."""
    result = _run(
        registries[0],
        {"press": 0, "media": 0, "weight": 0, "web": 0, "site": 0, "bonus": 0, "veto": 0},
    )
    a1 = result.indicator("A1")
    assert (a1.low, a1.high) == (0, 1)
    assert result.range.low == result.total - 1
    at_stake = {v.rule_id: v.at_stake for v in result.verdicts() if v.at_stake is not None}
    assert at_stake == {"t.a1.sub": 1, "t.a1.err": Decimal("0.5")}
