"""The bundled example: the facts 宣威 itself reported for 2020, scored clause by clause by hand.

What Attachment 1 (the 2020 sheet, 填报时间 2020-12-26) gives, and the one sentence of the 2021
report body that speaks of the 2020 assessment year (and nothing more):
- A1: URLs of the guide and the catalogue; no update date, no list of missing elements
  → both rules lack evidence, no deduction: 0.5 (range 0–0.5).
- A2: "国民经济和社会发展规划待“两会”结束审议后再对外公开发布" — the plan is not published
  → 「未公开国民经济和社会发展规划以及统计信息，扣0.5分」; the budget URL is given → clear: 0.5.
- A3: URLs for both bodies' handling → published (clear); whether 总体情况 and 复文 are both
  there is not stated → no evidence for the per-item rule: 0.5.
- A4: URLs for 行政执法, 公共资源, 重大项目; none for 社会公益事业 → no evidence there: 2.
- A5: a URL only; design, naming, homepage position and updating not stated → no evidence: 2.
- A6: the body's "收到政府信息依申请公开4件" is about 2021 → not used, no evidence: 1.
- B1, B2, B4: 14 interpretation URLs without dates, domains or forms; B4's evidence is a
  screenshot; the body's 「图表图解、音频视频等形式」 describes the 2021 practice → no evidence.
- B3: id=16686 is given as the principal leader's interpretation → clear: 1.
- C1, C2: "根据日常掌握情况及自评报告评分" and the sheet gives nothing → no evidence: 1 + 0.5.
- C3: the body names the 《宣威市2020年乡（镇、街道）综合考核实施细则》 as a basis of the
  政府信息公开考核 → 政务公开 is in the 2020 综合考核 (not_included clear); no weight and no
  ledger → 「考评分值权重低于4%扣0.2分（需提供台账资料）」: 0.8.
- C4: no ledger (查验方法：查看台账资料) → the indicator's missing-evidence policy deducts the
  0.2 + 0.2 of training and 条例 study; the 领导小组's publication is checked on the portal, not
  in a ledger → undecided: 0.1 (range 0–0.5).
- C5: no filing records → no evidence: 0.5. C6: 舆情监测 records no incident → clear: 0.5.
Total: 15 − 0.5 − 0.2 − 0.4 = 13.9, against a self-score of 15; the evidence proves 4.3–14.3.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from govopen_rules import Status, evaluate

EXAMPLE = Path(__file__).parent.parent / "examples" / "xuanwei-2020.json"


def result():  # type: ignore[no-untyped-def]
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    return evaluate(data, region="xuanwei", year=2020)


def test_total_and_area_scores() -> None:
    r = result()
    assert r.total == Decimal("13.9")
    assert [(a.code, a.score) for a in r.areas] == [
        ("A", Decimal("6.5")),
        ("B", Decimal("4")),
        ("C", Decimal("3.4")),
    ]


def test_indicator_scores_and_self_score_gaps() -> None:
    r = result()
    scores = {i.code: i.score for a in r.areas for i in a.indicators}
    assert scores == {
        "A1": Decimal("0.5"),
        "A2": Decimal("0.5"),
        "A3": Decimal("0.5"),
        "A4": Decimal(2),
        "A5": Decimal(2),
        "A6": Decimal(1),
        "B1": Decimal(1),
        "B2": Decimal(1),
        "B3": Decimal(1),
        "B4": Decimal(1),
        "C1": Decimal(1),
        "C2": Decimal("0.5"),
        "C3": Decimal("0.8"),
        "C4": Decimal("0.1"),
        "C5": Decimal("0.5"),
        "C6": Decimal("0.5"),
    }
    gaps = {i.code: i.self_score_gap for a in r.areas for i in a.indicators if i.self_score_gap}
    assert gaps == {"A2": Decimal("0.5"), "C3": Decimal("0.2"), "C4": Decimal("0.4")}
    assert sum(i.self_score for a in r.areas for i in a.indicators) == 15


def test_only_b3_and_c6_are_supported_by_the_evidence() -> None:
    r = result()
    supported = {i.code for a in r.areas for i in a.indicators if i.self_score_supported}
    assert supported == {"B3", "C6"}


def test_deductions_cite_their_sentences() -> None:
    deducted = {v.rule_id: v for v in result().verdicts() if v.status is Status.DEDUCTED}
    assert set(deducted) == {"xuanwei.a2.plan_statistics", "xuanwei.c3.weight_below_4pct"}
    assert deducted["xuanwei.a2.plan_statistics"].evidence[0].fact_index == 2
    assert "扣0.2分（需提供台账资料）" in deducted["xuanwei.c3.weight_below_4pct"].citation.quote
    assert (
        "2020年乡（镇、街道）综合考核实施细则"
        in (deducted["xuanwei.c3.weight_below_4pct"].evidence[0].values["note"])
    )


def test_rules_without_evidence_are_listed() -> None:
    lacking = {v.rule_id for v in result().verdicts() if v.status is Status.NO_EVIDENCE}
    assert lacking == {
        "xuanwei." + rule
        for rule in (
            "a1.not_updated",
            "a1.missing_element",
            "a3.missing_item",
            "a4.social_welfare",
            "a5.not_redesigned",
            "a5.not_updated",
            "a6.reply_defects",
            "b1.late",
            "b1.incomplete",
            "b2.missing_domain",
            "b4.no_new_media",
            "b4.no_rich_form",
            "c1.site_unqualified",
            "c1.new_media_not_filed",
            "c2.no_7x12",
            "c2.answer_rate",
            "c2.quality_check",
            "c4.leading_group",
            "c4.no_training",
            "c4.no_regulation_study",
            "c5.normative_not_filed",
            "c5.late_submission",
        )
    }


def test_the_range_the_evidence_proves() -> None:
    r = result()
    assert (r.range.low, r.total, r.range.high) == (
        Decimal("4.3"),
        Decimal("13.9"),
        Decimal("14.3"),
    )
    assert r.range.evidence_share == Decimal("33.33")
    ends = {i.code: (i.low, i.high) for a in r.areas for i in a.indicators}
    resting_on_nothing = {
        code
        for code, ind in ((i.code, i) for a in r.areas for i in a.indicators)
        if all(v.status is Status.NO_EVIDENCE for v in ind.verdicts)
    }
    assert resting_on_nothing == {"A1", "A5", "A6", "B1", "B2", "B4", "C1", "C2", "C4", "C5"}
    assert {c for c, (low, high) in ends.items() if low == high} == {"A2", "B3", "C3", "C6"}
    assert ends["A4"] == (Decimal("1.5"), 2) and ends["C4"] == (0, Decimal("0.5"))


def test_c4_is_deducted_by_the_ledger_policy_and_says_so() -> None:
    r = result()
    training = r.verdict("xuanwei.c4.no_training")
    assert (training.status, training.points) == (Status.NO_EVIDENCE, Decimal("0.2"))
    assert training.policy is not None
    assert (training.policy.level, training.policy.scope, training.policy.mode) == (
        "indicator",
        "C4",
        "deduct",
    )
    assert training.policy.citation is not None
    assert "需提供台账资料" in training.policy.citation.quote
    leading = r.verdict("xuanwei.c4.leading_group")
    assert leading.policy is not None and leading.policy.level == "rule"
    assert leading.policy.mode == "undecided" and leading.points == 0
    default = r.verdict("xuanwei.a1.not_updated").policy
    assert default is not None and (default.level, default.mode) == ("rubric", "undecided")
    incident = r.verdict("xuanwei.c6.ethnic_religious_incident")
    assert incident.status is Status.CLEAR and incident.policy is not None
    assert incident.policy.mode == "clear"


def test_only_the_bodys_sentence_on_the_2020_assessment_is_used() -> None:
    facts = json.loads(EXAMPLE.read_text(encoding="utf-8"))["facts"]
    from_body = [f for f in facts if f.get("note", "").startswith("自检自查报告")]
    assert [f["kind"] for f in from_body] == ["assessment_weight"]
    assert "2020年" in from_body[0]["note"]
    assert not any(f["kind"] == "organisation_training" for f in facts)


def test_reading_the_bodys_interpretation_sentence_as_2020_practice_would_narrow_the_range() -> (
    None
):
    """The alternative reading, published in the README: 「通过政府门户网站、政务新媒体等多种渠道和
    简明问答、图表图解、音频视频等形式…进行宣传解读」 taken as 2020 practice credits B4."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    data["facts"].append(
        {
            "kind": "policy_interpretation",
            "via_new_media": True,
            "forms": ["简明问答", "图表图解", "音频", "视频"],
        }
    )
    r = evaluate(data, region="xuanwei", year=2020)
    assert r.indicator("B4").low == 1
    assert (r.range.low, r.total, r.range.high) == (
        Decimal("5.3"),
        Decimal("13.9"),
        Decimal("14.3"),
    )
