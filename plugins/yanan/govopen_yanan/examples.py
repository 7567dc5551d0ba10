"""The example cohort ``examples/yanan-2020-cohort.json``: what 延政办函〔2021〕13号 says about each
unit, and nothing else.

The JSON is committed; :func:`build` is its source, so every fact can be traced to a sentence of
the notice (quoted in the fact's ``note``), and a test checks that the two agree. Regenerate it
from the plugin's folder with ``python -m govopen_yanan.examples examples/yanan-2020-cohort.json``.

Readings:

1. A sentence about every unit (「各单位…均…」) gives that fact to every unit.
2. A sentence about some units (「部分…」「个别…」「大多数…」) followed by 「如：…等」 names
   **examples**: the units named have the problem; for every other unit the notice does not say,
   so there is no fact and the rule has no evidence (never "clear").
3. A 「如：…」 after a sentence listing several problems gives each named unit all of them.
4. The notice publishes no dates for the simulated applications and consultations: a reply it
   calls late carries ``late_per_source: true``.

The published tier tables (二、评估结果) are kept as each unit's ``published`` tier, beside its
facts: the cohort compares them with what the evidence allows, and no fact is computed from them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTICE = "延政办函〔2021〕13号"
PUBLISHED_AT = f"{NOTICE} 二、评估结果"

# The notice's tier tables, as published (富 县 is printed with a space), in its order.
# fmt: off
COUNTIES = {
    "优秀": ["子长市", "南泥湾管委会", "延长县", "吴起县"],
    "良好": ["新区管委会", "宝塔区", "黄龙县", "黄陵县", "高新区管委会", "甘泉县", "延川县",
             "富县", "安塞区"],
    "待改进": ["志丹县", "宜川县", "洛川县"],
}
DEPARTMENTS = {
    "优秀": ["市财政局", "市发改委", "市政府评审中心", "市审计局", "市审批局", "市城管执法局",
             "市扶贫开发局", "市房屋征收局", "市文旅局", "市人防办", "市科技局", "市农业农村局",
             "市国资委", "市统计局", "市市场监管局"],
    "良好": ["市人社局", "市信访局", "市城改办", "市住建局", "市招商局", "市机关事务服务中心",
             "市公安局", "市政府研究室", "市方志办", "市民宗局", "市教育局", "市交运局",
             "市应急管理局", "市供销社", "市商务局", "市公积金中心", "市金融办", "市体育局",
             "市司法局", "市口岸办", "市医保局", "市民政局", "市自然资源局", "市卫健委",
             "市公共资源交易中心", "黄帝陵管理局", "市工信局", "市水务局"],
    "待改进": ["市林业局", "市退役军人事务局", "市生态环境局"],
}

# The sentences of 三、存在问题 and 四、下一步工作要求 used, verbatim, with their clause.
EVERY_UNIT = {
    "fee": ("三、存在问题 第三点",
            "评估期间模拟用户提出申请,能够根据模拟申请人的要求于20个工作日内进行回复,"
            "指明获得所申请资料的渠道和方法,均没有收费。但个别单位存在未设置依申请公开渠道、"
            "未按时答复信件、答复内容、形式不规范等问题。"),
    "channel": ("三、存在问题 第四点",
                "评估发现,各单位均开设了政务咨询渠道,渠道功能可用,多数单位能够在5个工作日内对"
                "项目组提出的简单常见问题咨询进行回复,部分单位未设置留言满意度评价功能,"
                "或满意度评价功能不可用。"),
    "survey": ("三、存在问题 第四点",
               "各单位网站均开设了调查征集类栏目,但未明确提供本单位2020年开展调查活动相关信息。"),
    "rectification": ("四、下一步工作要求 第一点",
                      "市政府将以市政务公开工作领导小组名义,将年度第三方评估报告下发至存在问题的"
                      "有关县区和部门,请各部门单位严格对照评估报告,切实找准问题,逐项落实整改,"
                      "并将整改情况于2021年3月1日前报市政务公开工作领导小组办公室。"),
}
# Problems with the units the notice names as examples (如：…等).
NAMED: dict[str, tuple[str, str, set[str]]] = {
    "decision": (
        "三、存在问题 第一点",
        "部分县(市、区)政府、市政府工作部门未明确提供决策预公开信息,缺乏意见征集的结果反馈,"
        "是否采纳,以及不采纳的理由等内容。如:洛川县,市退役军人事务局、市生态环境局、市工信局等"
        "政府网站。",
        {"洛川县", "市退役军人事务局", "市生态环境局", "市工信局"},
    ),
    "key_areas": (
        "三、存在问题 第二点",
        "部分县(市、区)政府、市政府工作部门未明确提供三大攻坚战、公共卫生、“六稳”“六保”、"
        "重大建设项目批准和实施领域、公共资源配置领域、社会公益事业领域相关信息。如:志丹县、"
        "宜川县、洛川县,市生态环境局、市林业局、市水务局等政府网站。",
        {"志丹县", "宜川县", "洛川县", "市生态环境局", "市林业局", "市水务局"},
    ),
    "no_fax": (
        "三、存在问题 第三点",
        "如:市司法局网站未明确提供本单位依申请公开传真申请渠道信息。",
        {"市司法局"},
    ),
    "county_interpretation": (
        "三、存在问题 第四点",
        "多个县(市、区)政府网站未采用数字化、音频视频进行解读,未明确提供邀请专家学者进行准确、"
        "权威解读,未明确提供主要负责同志履行“第一解读人”职责解读相关信息,部分政策解读稿内容"
        "不全面,缺少关键词诠释,部分解读材料未与政策文件同步在政府网站发布。如:志丹县、宜川县、"
        "洛川县等县(市、区)政府网站。",
        {"志丹县", "宜川县", "洛川县"},
    ),
    "no_own_interpretation": (
        "三、存在问题 第四点",
        "部分市政府工作部门网站未明确提供本单位2020年政策解读相关信息。如:市林业局、"
        "市退役军人事务局、高新区管委会等部门网站。",
        {"市林业局", "市退役军人事务局", "高新区管委会"},
    ),
    "late_and_no_rating": (
        "三、存在问题 第四点",
        "部分市政府工作部门网站咨询类留言未在5个工作日内回复,未设立留言满意度评价功能。"
        "如:市水务局、高新区管委会、市民政局、市商务局、市交运局、市机关事务服务中心网站;",
        {"市水务局", "高新区管委会", "市民政局", "市商务局", "市交运局", "市机关事务服务中心"},
    ),
    "late_reply": (
        "三、存在问题 第四点",
        "部分市政府工作部门咨询类留言未在5个工作日内回复。如:市退役军人事务局、市工信局、"
        "市教育局、市自然资源局、市城改办等部门网站;",
        {"市退役军人事务局", "市工信局", "市教育局", "市自然资源局", "市城改办"},
    ),
    "no_rating": (
        "三、存在问题 第四点",
        "部分市政府工作部门未设立留言满意度评价功能。如:市医保局、市司法局、市口岸办等部门网站。",
        {"市医保局", "市司法局", "市口岸办"},
    ),
}
KEY_AREAS = ["三大攻坚战", "公共卫生", "六稳六保", "重大建设项目批准和实施", "公共资源配置", "社会公益事业"]
# fmt: on


def quoted(clause: str, sentence: str, reading: str = "") -> str:
    """A fact's note: the notice, the clause, the sentence verbatim, and the reading applied."""
    return f"{NOTICE} {clause}：「{sentence}」" + (f"（{reading}）" if reading else "")


def every_unit(key: str, reading: str = "") -> str:
    clause, sentence = EVERY_UNIT[key]
    return quoted(clause, sentence, reading or "解读1：各单位均适用")


def named(problem: str, unit: str) -> bool:
    return unit in NAMED[problem][2]


def why(problem: str, reading: str = "解读2：本单位为通报所举之例") -> str:
    clause, sentence, _ = NAMED[problem]
    return quoted(clause, sentence, reading)


def unit_kind(name: str, county_group: bool) -> str:
    if not county_group:
        return "department"
    return "park_committee" if name.endswith("管委会") else "county_government"


def facts_for(name: str) -> list[dict[str, Any]]:
    """The facts the notice gives about the unit ``name``: its sentences about every unit, and
    those naming it. Nothing here depends on the unit's published tier."""
    facts: list[dict[str, Any]] = []
    if named("decision", name):
        facts.append(
            {
                "kind": "decision_consultation",
                "title": "2020年决策预公开",
                "draft_published": False,
                "feedback_published": False,
                "note": why("decision"),
            }
        )
    if named("key_areas", name):
        facts += [
            {
                "kind": "disclosure_item",
                "topic": area,
                "published": False,
                "note": why("key_areas", "解读2：本单位为通报所举之例，所列各领域均未明确提供"),
            }
            for area in KEY_AREAS
        ]
    if named("no_fax", name):
        facts.append(
            {
                "kind": "application_channels",
                "channels": [],
                "note": why("no_fax", "通报只说明未提供传真渠道；其他渠道未载明，不列"),
            }
        )
    facts.append(
        {
            "kind": "information_request",
            "fee_charged": "0",
            "note": every_unit(
                "fee",
                "解读1：「均没有收费」适用于各单位；按时答复和答复形式有「个别单位」例外且未点名，"
                "不予记录",
            ),
        }
    )
    interpretation: dict[str, Any] = {}
    notes = []
    if named("county_interpretation", name):
        interpretation |= {
            "forms": ["文字"],
            "by_expert": False,
            "by_principal_leader": False,
            "complete": False,
            "published_with_policy": False,
        }
        notes.append(
            why(
                "county_interpretation",
                "解读2、3：本单位为所举之例，句中各问题均适用；解读稿为文字，未采用数字化、音频视频",
            )
        )
    if named("no_own_interpretation", name):
        interpretation["own_policy"] = False
        notes.append(why("no_own_interpretation"))
    if interpretation:
        facts.append({"kind": "policy_interpretation", **interpretation, "note": "；".join(notes)})
    consultation: dict[str, Any] = {"kind": "consultation", "channel": "网站政务咨询"}
    notes = [
        every_unit(
            "channel",
            "解读1：各单位均开设政务咨询渠道且可用；回复时限与满意度评价为「多数」「部分」，未点名者不予记录",
        )
    ]
    for problem, late, rating in (
        ("late_and_no_rating", True, True),
        ("late_reply", True, False),
        ("no_rating", False, True),
    ):
        if named(problem, name):
            if late:
                consultation["late_per_source"] = True
            if rating:
                consultation["satisfaction_rating_available"] = False
            notes.append(why(problem))
    facts.append(consultation | {"note": "；".join(notes)})
    facts.append(
        {
            "kind": "disclosure_item",
            "topic": "本年度调查活动",
            "published": False,
            "note": every_unit("survey", "解读1：句子主语为「各单位网站」，所举之例不限定范围"),
        }
    )
    facts.append(
        {
            "kind": "rectification",
            "problem": "2020年度第三方评估发现的问题",
            "due_on": "2021-03-01",
            "note": every_unit(
                "rectification",
                "各单位均有调查活动信息未明确提供的问题，均须报送；通报未载明报送日期",
            ),
        }
    )
    return facts


def build() -> dict[str, Any]:
    units = []
    for county_group, table in ((True, COUNTIES), (False, DEPARTMENTS)):
        for tier, names in table.items():
            for name in names:
                units.append(
                    {
                        "unit": {
                            "id": f"yanan-{len(units) + 1:02d}",
                            "name": name,
                            "kind": unit_kind(name, county_group),
                            "parent": "延安市",
                        },
                        "year": 2020,
                        "facts": facts_for(name),
                        "published": {"tier": tier, "source": PUBLISHED_AT},
                    }
                )
    return {"region": "yanan", "year": 2020, "source": NOTICE, "units": units}


def main(argv: Sequence[str] | None = None) -> None:
    """Write the cohort, as committed, to the path given on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m govopen_yanan.examples", description="Write the example cohort JSON."
    )
    parser.add_argument("output", type=Path, help="e.g. examples/yanan-2020-cohort.json")
    out = parser.parse_args(argv).output
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
