"""Every rule of the 2020 rubric: where it fires, where it does not, and at its boundary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govopen_rules import Status, get_plugin_manager, get_rubric

from conftest import Evaluate, perfect_facts


def test_plugin_is_installed() -> None:
    pm = get_plugin_manager()
    assert "xuanwei" in {name for name, _ in pm.list_name_plugin()}
    rubric = get_rubric("xuanwei", 2020)
    assert rubric.points == 15
    assert [a.points for a in rubric.areas] == [7, 4, 4]
    assert [[i.points for i in a.indicators] for a in rubric.areas] == [
        [Decimal("0.5"), 1, Decimal("0.5"), 2, 2, 1],
        [1, 1, 1, 1],
        [1, Decimal("0.5"), 1, Decimal("0.5"), Decimal("0.5"), Decimal("0.5")],
    ]


def test_every_rule_cites_its_sentence() -> None:
    for area in get_rubric("xuanwei", 2020).areas:
        for ind in area.indicators:
            for rule in ind.rules:
                assert rule.citation.document.startswith("附件1")
                assert (
                    area.title[:2] in rule.citation.clause or "政府信息公开" in rule.citation.clause
                )
                assert rule.citation.quote, rule.id


def test_a_perfect_unit_scores_exactly_15(score_with: Evaluate) -> None:
    result = score_with()
    assert result.total == Decimal(15)
    assert [v.rule_id for v in result.verdicts() if v.status is not Status.CLEAR] == []


def _fact(facts: list[dict[str, Any]], kind: str, **match: Any) -> dict[str, Any]:
    return next(
        f for f in facts if f["kind"] == kind and all(f.get(k) == v for k, v in match.items())
    )


def edit(kind: str, match: dict[str, Any] | None = None, **changes: Any) -> Any:
    def change(facts: list[dict[str, Any]]) -> None:
        _fact(facts, kind, **(match or {})).update(changes)

    return change


def drop(kind: str, **match: Any) -> Any:
    def change(facts: list[dict[str, Any]]) -> None:
        facts.remove(_fact(facts, kind, **match))

    return change


def add(*new: dict[str, Any]) -> Any:
    def change(facts: list[dict[str, Any]]) -> None:
        facts.extend(new)

    return change


def both(*changes: Any) -> Any:
    def change(facts: list[dict[str, Any]]) -> None:
        for c in changes:
            c(facts)

    return change


def late_submission(day: str) -> dict[str, Any]:
    return {"kind": "submission", "item": "材料", "due_on": "2020-06-02", "submitted_on": day}


def incident(topic: str = "民族宗教", negative: bool = True) -> dict[str, Any]:
    return {"kind": "public_opinion_incident", "topic": topic, "negative": negative}


GUIDE = {"document": "guide"}
REQ = {"received_on": "2020-09-28"}
JOBS = {"domain": "就业"}
W = "xuanwei."

# (case id, change to the perfect facts, rule id, expected status, expected rule points,
#  indicator code, expected indicator score)
CASES: list[tuple[str, Any, str, Status, str, str, str]] = [
    # A1 指南和目录: not updated 0.5; 0.2 per missing element; indicator cap 0.5
    (
        "a1 updated last year",
        edit("guide_catalogue", GUIDE, updated_on="2019-12-31"),
        "a1.not_updated",
        Status.DEDUCTED,
        "0.5",
        "A1",
        "0",
    ),
    (
        "a1 updated on 1 January (boundary)",
        edit("guide_catalogue", GUIDE, updated_on="2020-01-01"),
        "a1.not_updated",
        Status.CLEAR,
        "0",
        "A1",
        "0.5",
    ),
    (
        "a1 one element missing",
        edit("guide_catalogue", GUIDE, missing_elements=["传真号码"]),
        "a1.missing_element",
        Status.DEDUCTED,
        "0.2",
        "A1",
        "0.3",
    ),
    (
        "a1 two elements missing",
        edit("guide_catalogue", GUIDE, missing_elements=["传真号码", "办公地址"]),
        "a1.missing_element",
        Status.DEDUCTED,
        "0.4",
        "A1",
        "0.1",
    ),
    (
        "a1 three missing: capped at 0.5",
        edit("guide_catalogue", GUIDE, missing_elements=list("abc")),
        "a1.missing_element",
        Status.DEDUCTED,
        "0.6",
        "A1",
        "0",
    ),
    # A2 规划统计 / 预决算
    (
        "a2 statistics unpublished",
        edit("disclosure_item", {"topic": "statistics"}, published=False),
        "a2.plan_statistics",
        Status.DEDUCTED,
        "0.5",
        "A2",
        "0.5",
    ),
    (
        "a2 plan and statistics unpublished: once",
        both(
            edit("disclosure_item", {"topic": "statistics"}, published=False),
            edit("disclosure_item", {"topic": "development_plan"}, published=False),
        ),
        "a2.plan_statistics",
        Status.DEDUCTED,
        "0.5",
        "A2",
        "0.5",
    ),
    (
        "a2 budget unpublished",
        edit("disclosure_item", {"topic": "budget_final_accounts"}, published=False),
        "a2.budget",
        Status.DEDUCTED,
        "0.5",
        "A2",
        "0.5",
    ),
    # A3 建议提案
    (
        "a3 one body unpublished",
        edit("disclosure_item", {"topic": "npc_suggestions"}, published=False),
        "a3.not_published",
        Status.DEDUCTED,
        "0.2",
        "A3",
        "0.3",
    ),
    (
        "a3 both unpublished (tier)",
        both(
            edit("disclosure_item", {"topic": "npc_suggestions"}, published=False),
            edit("disclosure_item", {"topic": "cppcc_proposals"}, published=False),
        ),
        "a3.not_published",
        Status.DEDUCTED,
        "0.5",
        "A3",
        "0",
    ),
    (
        "a3 one item missing",
        edit("disclosure_item", {"topic": "npc_suggestions"}, missing_items=["复文"]),
        "a3.missing_item",
        Status.DEDUCTED,
        "0.1",
        "A3",
        "0.4",
    ),
    # A4 four key areas, 0.5 each
    (
        "a4 law enforcement",
        edit("disclosure_item", {"topic": "law_enforcement_three_systems"}, published=False),
        "a4.law_enforcement",
        Status.DEDUCTED,
        "0.5",
        "A4",
        "1.5",
    ),
    (
        "a4 public resources",
        edit("disclosure_item", {"topic": "public_resource_allocation"}, published=False),
        "a4.public_resources",
        Status.DEDUCTED,
        "0.5",
        "A4",
        "1.5",
    ),
    (
        "a4 major projects",
        edit("disclosure_item", {"topic": "major_construction_projects"}, published=False),
        "a4.major_projects",
        Status.DEDUCTED,
        "0.5",
        "A4",
        "1.5",
    ),
    (
        "a4 social welfare",
        edit("disclosure_item", {"topic": "social_welfare_projects"}, published=False),
        "a4.social_welfare",
        Status.DEDUCTED,
        "0.5",
        "A4",
        "1.5",
    ),
    (
        "a4 social welfare not checked",
        drop("disclosure_item", topic="social_welfare_projects"),
        "a4.social_welfare",
        Status.NO_EVIDENCE,
        "0",
        "A4",
        "2",
    ),
    # A5 platform
    (
        "a5 wrong name",
        edit("disclosure_platform", named_correctly=False),
        "a5.not_redesigned",
        Status.DEDUCTED,
        "1",
        "A5",
        "1",
    ),
    (
        "a5 not updated",
        edit("disclosure_platform", updated_timely=False),
        "a5.not_updated",
        Status.DEDUCTED,
        "1",
        "A5",
        "1",
    ),
    (
        "a5 both",
        edit("disclosure_platform", on_homepage=False, updated_timely=False),
        "a5.not_updated",
        Status.DEDUCTED,
        "1",
        "A5",
        "0",
    ),
    # A6 依申请: 0.1 per defect, 2 → 0.2 (reading), 3 or more → 1; lateness is a defect
    (
        "a6 one element missing",
        edit("information_request", REQ, missing_reply_elements=["救济途径"]),
        "a6.reply_defects",
        Status.DEDUCTED,
        "0.1",
        "A6",
        "0.9",
    ),
    (
        "a6 two elements missing",
        edit("information_request", REQ, missing_reply_elements=["救济途径", "依据"]),
        "a6.reply_defects",
        Status.DEDUCTED,
        "0.2",
        "A6",
        "0.8",
    ),
    (
        "a6 three elements missing (tier)",
        edit("information_request", REQ, missing_reply_elements=list("abc")),
        "a6.reply_defects",
        Status.DEDUCTED,
        "1",
        "A6",
        "0",
    ),
    (
        "a6 answered on the 20th working day",
        edit("information_request", REQ, replied_on="2020-11-02"),
        "a6.reply_defects",
        Status.CLEAR,
        "0",
        "A6",
        "1",
    ),
    (
        "a6 answered on the 21st working day",
        edit("information_request", REQ, replied_on="2020-11-03"),
        "a6.reply_defects",
        Status.DEDUCTED,
        "0.1",
        "A6",
        "0.9",
    ),
    (
        "a6 extended, answered on the 40th",
        edit("information_request", REQ, replied_on="2020-11-30", extended=True),
        "a6.reply_defects",
        Status.CLEAR,
        "0",
        "A6",
        "1",
    ),
    (
        "a6 extended, answered on the 41st",
        edit("information_request", REQ, replied_on="2020-12-01", extended=True),
        "a6.reply_defects",
        Status.DEDUCTED,
        "0.1",
        "A6",
        "0.9",
    ),
    (
        "a6 unanswered past the deadline",
        edit("information_request", REQ, replied_on=None),
        "a6.reply_defects",
        Status.DEDUCTED,
        "0.1",
        "A6",
        "0.9",
    ),
    # B1 3 working days, complete and linked
    (
        "b1 interpretation on the 3rd working day (over National Day)",
        edit("policy_interpretation", JOBS, published_on="2020-10-09"),
        "b1.late",
        Status.CLEAR,
        "0",
        "B1",
        "1",
    ),
    (
        "b1 interpretation on the 4th working day (a 调休 Saturday)",
        edit("policy_interpretation", JOBS, published_on="2020-10-10"),
        "b1.late",
        Status.DEDUCTED,
        "0.5",
        "B1",
        "0.5",
    ),
    (
        "b1 no interpretation published",
        edit("policy_interpretation", JOBS, published_on=None),
        "b1.late",
        Status.DEDUCTED,
        "0.5",
        "B1",
        "0.5",
    ),
    (
        "b1 incomplete",
        edit("policy_interpretation", JOBS, complete=False),
        "b1.incomplete",
        Status.DEDUCTED,
        "0.5",
        "B1",
        "0.5",
    ),
    (
        "b1 no link to the policy",
        edit("policy_interpretation", JOBS, links_to_policy=False),
        "b1.incomplete",
        Status.DEDUCTED,
        "0.5",
        "B1",
        "0.5",
    ),
    # B2 six domains: 0.2 per missing, 2 → 0.4 (reading), 3 or more → 1
    (
        "b2 one domain missing",
        edit("policy_interpretation", JOBS, domain="其他"),
        "b2.missing_domain",
        Status.DEDUCTED,
        "0.2",
        "B2",
        "0.8",
    ),
    (
        "b2 two domains missing",
        both(
            edit("policy_interpretation", JOBS, domain="其他"),
            drop("policy_interpretation", domain="教育"),
        ),
        "b2.missing_domain",
        Status.DEDUCTED,
        "0.4",
        "B2",
        "0.6",
    ),
    (
        "b2 three domains missing (tier)",
        both(
            edit("policy_interpretation", JOBS, domain="其他"),
            drop("policy_interpretation", domain="教育"),
            drop("policy_interpretation", domain="医疗"),
        ),
        "b2.missing_domain",
        Status.DEDUCTED,
        "1",
        "B2",
        "0",
    ),
    # B3 principal leader
    (
        "b3 no leader interpretation",
        edit("policy_interpretation", JOBS, by_principal_leader=False),
        "b3.no_leader_interpretation",
        Status.DEDUCTED,
        "1",
        "B3",
        "0",
    ),
    # B4 new media and forms
    (
        "b4 no new media",
        lambda fs: [
            f.update(via_new_media=False) for f in fs if f["kind"] == "policy_interpretation"
        ],
        "b4.no_new_media",
        Status.DEDUCTED,
        "0.5",
        "B4",
        "0.5",
    ),
    (
        "b4 one new-media interpretation is enough",
        lambda fs: [
            f.update(via_new_media=f["domain"] == "养老")
            for f in fs
            if f["kind"] == "policy_interpretation"
        ],
        "b4.no_new_media",
        Status.CLEAR,
        "0",
        "B4",
        "1",
    ),
    (
        "b4 text only",
        lambda fs: [f.update(forms=["文字"]) for f in fs if f["kind"] == "policy_interpretation"],
        "b4.no_rich_form",
        Status.DEDUCTED,
        "0.5",
        "B4",
        "0.5",
    ),
    (
        "b4 one video is enough",
        both(
            lambda fs: [
                f.update(forms=["文字"]) for f in fs if f["kind"] == "policy_interpretation"
            ],
            edit("policy_interpretation", JOBS, forms=["文字", "视频"]),
        ),
        "b4.no_rich_form",
        Status.CLEAR,
        "0",
        "B4",
        "1",
    ),
    # C1 sites and new-media filing
    (
        "c1 site unqualified",
        edit("website_check", result="unqualified"),
        "c1.site_unqualified",
        Status.DEDUCTED,
        "1",
        "C1",
        "0",
    ),
    (
        "c1 account not filed",
        edit("new_media_account", filed=False),
        "c1.new_media_not_filed",
        Status.DEDUCTED,
        "0.5",
        "C1",
        "0.5",
    ),
    (
        "c1 both: never below zero",
        both(edit("website_check", result="unqualified"), edit("new_media_account", filed=False)),
        "c1.new_media_not_filed",
        Status.DEDUCTED,
        "0.5",
        "C1",
        "0",
    ),
    # C2 hotline thresholds, compared exactly
    (
        "c2 no 7x12",
        edit("hotline_figures", staffed_7x12_hours=False),
        "c2.no_7x12",
        Status.DEDUCTED,
        "0.2",
        "C2",
        "0.3",
    ),
    (
        "c2 answer rate 94.99",
        edit("hotline_figures", answered_within_15s_rate="94.99"),
        "c2.answer_rate",
        Status.DEDUCTED,
        "0.2",
        "C2",
        "0.3",
    ),
    (
        "c2 answer rate exactly 95",
        edit("hotline_figures", answered_within_15s_rate="95.00"),
        "c2.answer_rate",
        Status.CLEAR,
        "0",
        "C2",
        "0.5",
    ),
    (
        "c2 quality check 9.99",
        edit("hotline_figures", quality_check_rate="9.99"),
        "c2.quality_check",
        Status.DEDUCTED,
        "0.1",
        "C2",
        "0.4",
    ),
    (
        "c2 all three",
        edit(
            "hotline_figures",
            staffed_7x12_hours=False,
            answered_within_15s_rate="80",
            quality_check_rate="1",
        ),
        "c2.quality_check",
        Status.DEDUCTED,
        "0.1",
        "C2",
        "0",
    ),
    # C3 assessment weight
    (
        "c3 weight 3.99",
        edit("assessment_weight", weight_percent="3.99"),
        "c3.weight_below_4pct",
        Status.DEDUCTED,
        "0.2",
        "C3",
        "0.8",
    ),
    (
        "c3 weight not documented",
        edit("assessment_weight", weight_percent=None),
        "c3.weight_below_4pct",
        Status.DEDUCTED,
        "0.2",
        "C3",
        "0.8",
    ),
    (
        "c3 not included",
        edit("assessment_weight", included=False, weight_percent=None),
        "c3.not_included",
        Status.DEDUCTED,
        "0.5",
        "C3",
        "0.3",
    ),
    (
        "c3 no ledger at all",
        drop("assessment_weight"),
        "c3.not_included",
        Status.NO_EVIDENCE,
        "0.5",
        "C3",
        "0.3",
    ),
    # C4 organisation and training
    (
        "c4 group not published",
        edit("organisation_training", leading_group_published=False),
        "c4.leading_group",
        Status.DEDUCTED,
        "0.1",
        "C4",
        "0.4",
    ),
    (
        "c4 no training",
        edit("organisation_training", business_training_sessions=0),
        "c4.no_training",
        Status.DEDUCTED,
        "0.2",
        "C4",
        "0.3",
    ),
    (
        "c4 training not documented",
        edit("organisation_training", business_training_sessions=None),
        "c4.no_training",
        Status.DEDUCTED,
        "0.2",
        "C4",
        "0.3",
    ),
    (
        "c4 no regulation study",
        edit("organisation_training", regulation_study_sessions=0),
        "c4.no_regulation_study",
        Status.DEDUCTED,
        "0.2",
        "C4",
        "0.3",
    ),
    (
        "c4 no ledger at all",
        drop("organisation_training"),
        "c4.no_training",
        Status.NO_EVIDENCE,
        "0.2",
        "C4",
        "0.1",
    ),
    # C5 filing in 3 working days; late submissions; cap 0.5
    (
        "c5 filed on the 4th working day",
        edit("policy_document", filed_on="2020-10-10"),
        "c5.normative_not_filed",
        Status.DEDUCTED,
        "0.3",
        "C5",
        "0.2",
    ),
    (
        "c5 never filed",
        edit("policy_document", filed_on=None),
        "c5.normative_not_filed",
        Status.DEDUCTED,
        "0.3",
        "C5",
        "0.2",
    ),
    (
        "c5 a non-normative document needs no filing",
        edit("policy_document", normative=False, filed_on=None),
        "c5.normative_not_filed",
        Status.NO_EVIDENCE,
        "0",
        "C5",
        "0.5",
    ),
    (
        "c5 one late submission",
        edit("submission", submitted_on="2020-06-03"),
        "c5.late_submission",
        Status.DEDUCTED,
        "0.1",
        "C5",
        "0.4",
    ),
    (
        "c5 capped at 0.5",
        both(
            edit("policy_document", filed_on=None),
            add(
                late_submission("2020-06-03"),
                late_submission("2020-06-04"),
                late_submission("2020-06-05"),
            ),
        ),
        "c5.late_submission",
        Status.DEDUCTED,
        "0.3",
        "C5",
        "0",
    ),
    # C6 舆情: 0.1 per incident, cap 0.5; nothing recorded is clear
    (
        "c6 one incident",
        add(incident()),
        "c6.ethnic_religious_incident",
        Status.DEDUCTED,
        "0.1",
        "C6",
        "0.4",
    ),
    (
        "c6 six incidents: capped",
        add(*[incident() for _ in range(6)]),
        "c6.ethnic_religious_incident",
        Status.DEDUCTED,
        "0.6",
        "C6",
        "0",
    ),
    (
        "c6 other topics do not count",
        add(incident("环保")),
        "c6.ethnic_religious_incident",
        Status.CLEAR,
        "0",
        "C6",
        "0.5",
    ),
    (
        "c6 a neutral mention does not count",
        add(incident(negative=False)),
        "c6.ethnic_religious_incident",
        Status.CLEAR,
        "0",
        "C6",
        "0.5",
    ),
]


@pytest.mark.parametrize(
    ("change", "rule_id", "status", "points", "code", "score"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule(
    score_with: Evaluate,
    change: Any,
    rule_id: str,
    status: Status,
    points: str,
    code: str,
    score: str,
) -> None:
    result = score_with(change)
    verdict = result.verdict(W + rule_id)
    assert (verdict.status, verdict.points) == (status, Decimal(points))
    assert result.indicator(code).score == Decimal(score)
    assert result.total == Decimal(15) - result.indicator(code).deducted


def test_every_rule_has_a_firing_and_a_clear_case() -> None:
    rules = {r.id for a in get_rubric("xuanwei", 2020).areas for i in a.indicators for r in i.rules}
    fired = {W + c[2] for c in CASES if c[3] is Status.DEDUCTED}
    assert rules - fired == set()
    # The perfect unit is the clear case of every rule (test_a_perfect_unit_scores_exactly_15).
    assert len(perfect_facts()) > len(rules) // 2


def test_readings_can_be_overridden(score_with: Evaluate) -> None:
    change = edit("information_request", REQ, missing_reply_elements=["a", "b"])
    assert score_with(change).verdict(W + "a6.reply_defects").points == Decimal("0.2")
    other = score_with(change, parameters={"a6_two_defects": "1"})
    assert other.verdict(W + "a6.reply_defects").points == Decimal("1")
    assert "a6_two_defects" in other.verdict(W + "a6.reply_defects").assumptions
