"""The Yan'an 2020 rubric: each rule, and the published tier tables reproduced exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import Status, evaluate, evaluate_many, get_rubric

EXAMPLES = Path(__file__).parent.parent / "examples"
COHORT = EXAMPLES / "yanan-2020-cohort.json"


def cohort_units() -> list[dict[str, Any]]:
    return json.loads(COHORT.read_text(encoding="utf-8"), parse_float=Decimal)["units"]


def test_plugin_is_installed_and_every_value_is_assumed() -> None:
    rubric = get_rubric("yanan", 2020)
    assert rubric.points == 80
    for name, param in rubric.parameters.items():
        assert param.assumed or param.citation is not None, name
    for area in rubric.areas:
        for ind in area.indicators:
            for rule in ind.rules:
                assert rule.citation.document == "延政办函〔2021〕13号"
                assert rule.citation.quote


def test_the_committed_cohort_is_what_the_builder_writes() -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import build_yanan_cohort
    finally:
        sys.path.remove(str(EXAMPLES))
    assert json.loads(COHORT.read_text(encoding="utf-8")) == json.loads(
        json.dumps(build_yanan_cohort.build(), ensure_ascii=False)
    )


PUBLISHED = {
    "县（市、区）政府、管委会": {
        "优秀": (4, "25.00", {"子长市", "南泥湾管委会", "延长县", "吴起县"}),
        "良好": (9, "56.25", {"新区管委会", "宝塔区", "黄龙县", "黄陵县", "高新区管委会", "甘泉县",
                              "延川县", "富县", "安塞区"}),
        "待改进": (3, "18.75", {"志丹县", "宜川县", "洛川县"}),
    },
    "市政府工作部门": {
        "优秀": (15, "32.61", {"市财政局", "市发改委", "市政府评审中心", "市审计局", "市审批局",
                               "市城管执法局", "市扶贫开发局", "市房屋征收局", "市文旅局",
                               "市人防办", "市科技局", "市农业农村局", "市国资委", "市统计局",
                               "市市场监管局"}),
        "良好": (28, "60.87", {"市人社局", "市信访局", "市城改办", "市住建局", "市招商局",
                               "市机关事务服务中心", "市公安局", "市政府研究室", "市方志办",
                               "市民宗局", "市教育局", "市交运局", "市应急管理局", "市供销社",
                               "市商务局", "市公积金中心", "市金融办", "市体育局", "市司法局",
                               "市口岸办", "市医保局", "市民政局", "市自然资源局", "市卫健委",
                               "市公共资源交易中心", "黄帝陵管理局", "市工信局", "市水务局"}),
        "待改进": (3, "6.52", {"市林业局", "市退役军人事务局", "市生态环境局"}),
    },
}


def test_the_published_tiers_counts_and_shares_come_out_exactly() -> None:
    result = evaluate_many(cohort_units(), region="yanan", year=2020)
    assert result.failures == ()
    for group_name, tiers in PUBLISHED.items():
        group = result.group(group_name)
        got = {t.label: (t.count, str(t.share), set(t.members)) for t in group.tiers}
        assert got == tiers, group_name


def test_process_pool_gives_the_same_result_as_in_process() -> None:
    units = cohort_units()
    in_process = evaluate_many(units, region="yanan", year=2020)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = evaluate_many(units, region="yanan", year=2020, executor=pool)
    assert pooled == in_process


def test_dask_executor_gives_the_same_result() -> None:
    distributed = pytest.importorskip("distributed")
    units = cohort_units()[:8]
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2) as client:
        result = evaluate_many(units, region="yanan", year=2020, executor=client.get_executor())
    assert result == evaluate_many(units, region="yanan", year=2020)


def test_cli_prints_the_tier_table() -> None:
    out = subprocess.run(
        ["govopen-rules", "cohort", str(COHORT), "--region", "yanan", "--year", "2020"],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "| 优秀 | 15 | 32.61% |" in out
    assert "| 待改进 | 3 | 18.75% | 志丹县、宜川县、洛川县 |" in out
    as_json = subprocess.run(
        ["govopen-rules", "cohort", str(COHORT), "--region", "yanan", "--year", "2020",
         "--format", "json", "--processes", "2"],
        check=True, capture_output=True, text=True,
    ).stdout
    groups = json.loads(as_json)["groups"]
    assert [t["share"] for t in groups[1]["tiers"]] == ["32.61", "60.87", "6.52"]


# --- each rule: fires, clear, boundary ------------------------------------------------

def base_facts() -> list[dict[str, Any]]:
    """A unit with nothing wrong (the facts of an 优秀 unit in the example)."""
    units = cohort_units()
    return [dict(f) for f in units[0]["facts"]]


def score(facts: list[dict[str, Any]], kind: str = "county_government") -> Any:
    data = {"unit": {"id": "t", "name": "测试县", "kind": kind}, "year": 2020, "facts": facts}
    return evaluate(data, region="yanan", year=2020)


def change(kind: str, **values: Any) -> list[dict[str, Any]]:
    facts = base_facts()
    for fact in facts:
        if fact["kind"] == kind:
            fact.update(values)
    return facts


def test_an_excellent_unit_scores_full_marks() -> None:
    result = score(base_facts())
    assert result.total == 80 and result.grade == "优秀"
    assert {v.status for v in result.verdicts()} == {Status.CLEAR}


CASES = [
    ("a1.no_feedback", change("decision_consultation", feedback_published=False), "7"),
    ("a2.no_draft", change("decision_consultation", draft_published=False), "3"),
    ("b1.key_area_missing", change("disclosure_item", published=False), "7.5"),
    ("c1.no_fax", change("application_channels", channels=["当面", "网络"]), "3"),
    ("c2.overdue", change("information_request", late_per_source=True), "7"),
    ("c3.reply_form", change("information_request", missing_reply_elements=["获取方式"]), "4.5"),
    ("c4.fee", change("information_request", fee_charged="0.01"), "3"),
    ("d1.no_own_interpretation", change("policy_interpretation", own_policy=False), "7"),
    ("d2.single_form", change("policy_interpretation", forms=["文字"]), "8"),
    ("d3.no_expert", change("policy_interpretation", by_expert=False), "3"),
    ("d4.no_principal", change("policy_interpretation", by_principal_leader=False), "3"),
    ("d5.no_link", change("policy_interpretation", links_to_policy=False), "4"),
    ("d6.not_simultaneous", change("policy_interpretation", published_with_policy=False), "3"),
    ("d7.incomplete", change("policy_interpretation", complete=False), "2"),
    ("e1.late_reply", change("consultation", late_per_source=True), "3"),
    ("e2.no_satisfaction", change("consultation", satisfaction_rating_available=False), "3"),
    ("e3.no_channel", [f for f in base_facts() if f["kind"] != "consultation"], "4"),
    ("f1.no_survey", [f for f in base_facts() if f["kind"] != "survey_activity"], "5"),
]


@pytest.mark.parametrize(("rule", "facts", "points"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires(rule: str, facts: list[dict[str, Any]], points: str) -> None:
    result = score(facts)
    verdict = result.verdict("yanan." + rule)
    assert verdict.points == Decimal(points)
    assert verdict.status in (Status.DEDUCTED, Status.NO_EVIDENCE)
    assert result.total == 80 - Decimal(points)


@pytest.mark.parametrize(
    ("channels", "fires"), [(["传真"], False), (["网络", "电子传真"], True), ([], True)]
)
def test_fax_channel_must_be_named_exactly(channels: list[str], fires: bool) -> None:
    verdict = score(change("application_channels", channels=channels)).verdict("yanan.c1.no_fax")
    assert (verdict.status is Status.DEDUCTED) is fires


@pytest.mark.parametrize(("replied", "late"), [("2020-11-09", False), ("2020-11-10", True)])
def test_consultation_five_working_days_boundary(replied: str, late: bool) -> None:
    facts = change("consultation", late_per_source=None, received_on="2020-11-02",
                   replied_on=replied)
    verdict = score(facts).verdict("yanan.e1.late_reply")
    assert (verdict.status is Status.DEDUCTED) is late


def test_dates_decide_over_the_sources_statement() -> None:
    facts = change("information_request", late_per_source=True, received_on="2020-09-28",
                   replied_on="2020-11-02")
    assert score(facts).verdict("yanan.c2.overdue").status is Status.CLEAR


@pytest.mark.parametrize(("reported", "late"), [("2021-03-01", False), ("2021-03-02", True)])
def test_rectification_deadline_is_listed_but_costs_nothing(reported: str, late: bool) -> None:
    facts = [*base_facts(), {"kind": "rectification", "problem": "决策预公开",
                             "due_on": "2021-03-01", "reported_on": reported}]
    result = score(facts)
    verdict = result.verdict("yanan.g1.rectification_late")
    assert (verdict.status is Status.DEDUCTED) is late
    assert result.total == 80
    assert (verdict in result.findings()) is late


LOSSES: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {
    # feedback 7 + draft 3
    "10": [("decision_consultation", {}, {"feedback_published": False, "draft_published": False})],
    # forms 8 + two key areas 2 × 1.25
    "10.5": [("policy_interpretation", {}, {"forms": ["文字"]}),
             ("disclosure_item", {"topic": "公共卫生"}, {"published": False}),
             ("disclosure_item", {"topic": "六稳六保"}, {"published": False})],
    # feedback 7 + draft 3 + forms 8 + late reply 3 + link 4
    "25": [("decision_consultation", {}, {"feedback_published": False, "draft_published": False}),
           ("policy_interpretation", {}, {"forms": ["文字"], "links_to_policy": False}),
           ("consultation", {}, {"late_per_source": True})],
    # feedback 7 + forms 8 + link 4 + reply form 4.5 + complete 2
    "25.5": [("decision_consultation", {}, {"feedback_published": False}),
             ("policy_interpretation", {}, {"forms": ["文字"], "links_to_policy": False,
                                            "complete": False}),
             ("information_request", {}, {"missing_reply_elements": ["获取方式"]})],
}


@pytest.mark.parametrize(("loss", "grade"), [("10", "优秀"), ("10.5", "良好"), ("25", "良好"),
                                             ("25.5", "待改进")])
def test_tier_thresholds_are_inclusive(loss: str, grade: str) -> None:
    facts = base_facts()
    for kind, match, updates in LOSSES[loss]:
        for fact in facts:
            if fact["kind"] == kind and all(fact.get(k) == v for k, v in match.items()):
                fact.update(updates)
    result = score(facts)
    assert result.total == 80 - Decimal(loss)
    assert result.grade == grade
