"""The bundled example: the facts 宣威 itself reported, scored clause by clause by hand.

What the self-inspection report and its Attachment 1 give (and nothing more):
- A1: URLs of the guide and the catalogue; no update date, no list of missing elements
  → both rules lack evidence, no deduction: 0.5.
- A2: "国民经济和社会发展规划待“两会”结束审议后再对外公开发布" — the plan is not published
  → 「未公开国民经济和社会发展规划以及统计信息，扣0.5分」; the budget URL is given → clear: 0.5.
- A3: URLs for both bodies' handling → published (clear); whether 总体情况 and 复文 are both
  there is not stated → no evidence for the per-item rule: 0.5.
- A4: URLs for 行政执法, 公共资源, 重大项目; none for 社会公益事业 → no evidence there: 2.
- A5: a URL only; design, naming, homepage position and updating not stated → no evidence: 2.
- A6: "收到政府信息依申请公开4件，已全部办理完毕" with no dates → no request facts: 1.
- B1, B2, B4: 14 interpretation URLs without dates, domains or forms; B4's evidence is a
  screenshot → no evidence: 1 + 1 + 1.
- B3: id=16686 is given as the principal leader's interpretation → clear: 1.
- C1, C2: "根据日常掌握情况及自评报告评分" and the report gives nothing → no evidence: 1 + 0.5.
- C3: "纳入全市综合考核体系，明确分值权重" but no weight and no ledger (需提供台账资料)
  → not_included clear, 「考评分值权重低于4%扣0.2分（需提供台账资料）」 applies: 0.8.
- C4: the 领导小组 is described but its adjustment and publication are not → no evidence (0);
  no ledger of training or 条例 study (training appears only as a plan) → 0.2 + 0.2: 0.1.
- C5: no filing records → no evidence: 0.5. C6: no incident recorded → clear: 0.5.
Total: 15 − 0.5 − 0.2 − 0.4 = 13.9, against a self-score of 15.
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
    assert set(deducted) == {
        "xuanwei.a2.plan_statistics",
        "xuanwei.c3.weight_below_4pct",
        "xuanwei.c4.no_training",
        "xuanwei.c4.no_regulation_study",
    }
    assert deducted["xuanwei.a2.plan_statistics"].evidence[0].fact_index == 2
    assert "扣0.2分（需提供台账资料）" in deducted["xuanwei.c3.weight_below_4pct"].citation.quote


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
            "c5.normative_not_filed",
            "c5.late_submission",
        )
    }
