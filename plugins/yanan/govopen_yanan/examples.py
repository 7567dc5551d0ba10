"""The example cohort ``examples/yanan-2020-cohort.json``, built from what 延政办函〔2021〕13号
says, unit by unit.

The JSON is committed; :func:`build` is its source, so every fact can be traced to the notice
(or to the stated reading for units the notice does not name), and a test checks that the two
agree. Regenerate it from the plugin's folder with
``python -m govopen_yanan.examples examples/yanan-2020-cohort.json``. Readings:

1. A unit the notice names for a problem has that problem (its sentence is quoted in ``note``).
2. A unit the notice does not name for a problem is taken not to have it.
3. The notice's general findings on 政策解读 ("大多数单位未通过多种形式解读…形式和方法单一",
   "时效性需提高") are attributed to every unit not rated 优秀 (41 of 62: "大多数").
4. The notice publishes no dates for the simulated applications and consultations: replies it
   calls late carry ``late_per_source: true``; the others ``false``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTICE = "延政办函〔2021〕13号"
NOT_NAMED = "通报未点名此问题，按解读2推定无此问题"

# The notice's tables and sentences, kept in its order and shape.
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

# The units the notice names, problem by problem, with the sentence that names them.
NAMED: dict[str, tuple[str, set[str]]] = {
    "decision": ("三、一：未明确提供决策预公开信息,缺乏意见征集的结果反馈…如:洛川县,市退役军人事务局、"
                 "市生态环境局、市工信局等政府网站",
                 {"洛川县", "市退役军人事务局", "市生态环境局", "市工信局"}),
    "key_areas": ("三、二：未明确提供三大攻坚战、公共卫生…社会公益事业领域相关信息。如:志丹县、宜川县、"
                  "洛川县,市生态环境局、市林业局、市水务局等政府网站",
                  {"志丹县", "宜川县", "洛川县", "市生态环境局", "市林业局", "市水务局"}),
    "no_fax": ("三、三：市司法局网站未明确提供本单位依申请公开传真申请渠道信息", {"市司法局"}),
    "county_interpretation": ("三、四：多个县(市、区)政府网站未采用数字化、音频视频进行解读,未明确提供邀请专家"
                              "学者…未明确提供主要负责同志履行“第一解读人”职责…缺少关键词诠释…如:志丹县、"
                              "宜川县、洛川县等",
                              {"志丹县", "宜川县", "洛川县"}),
    "no_own_interpretation": ("三、四：部分市政府工作部门网站未明确提供本单位2020年政策解读相关信息。如:"
                              "市林业局、市退役军人事务局、高新区管委会等",
                              {"市林业局", "市退役军人事务局", "高新区管委会"}),
    "late_and_no_rating": ("三、四：咨询类留言未在5个工作日内回复,未设立留言满意度评价功能。如:市水务局、"
                           "高新区管委会、市民政局、市商务局、市交运局、市机关事务服务中心",
                           {"市水务局", "高新区管委会", "市民政局", "市商务局", "市交运局",
                            "市机关事务服务中心"}),
    "late_reply": ("三、四：部分市政府工作部门咨询类留言未在5个工作日内回复。如:市退役军人事务局、"
                   "市工信局、市教育局、市自然资源局、市城改办",
                   {"市退役军人事务局", "市工信局", "市教育局", "市自然资源局", "市城改办"}),
    "no_rating": ("三、四：部分市政府工作部门未设立留言满意度评价功能。如:市医保局、市司法局、市口岸办",
                  {"市医保局", "市司法局", "市口岸办"}),
    "no_survey": ("三、四：未明确提供本单位2020年开展调查活动相关信息。如:市退役军人事务局、市交运局、"
                  "市民政局", {"市退役军人事务局", "市交运局", "市民政局"}),
}
GENERAL = ("三、四：大多数单位未通过多种形式解读政策文件,发布政策解读内容的形式和方法单一,发布政策解读的"
           "时效性需提高（按解读3归于未评为优秀的单位）")
KEY_AREAS = ["三大攻坚战", "公共卫生", "六稳六保", "重大建设项目批准和实施", "公共资源配置", "社会公益事业"]
# fmt: on


def named(problem: str, unit: str) -> bool:
    return unit in NAMED[problem][1]


def why(problem: str, unit: str) -> str:
    return f"{NOTICE} {NAMED[problem][0]}" if named(problem, unit) else NOT_NAMED


def unit_kind(name: str, county_group: bool) -> str:
    if not county_group:
        return "department"
    return "park_committee" if name.endswith("管委会") else "county_government"


def facts_for(name: str, excellent: bool) -> list[dict[str, Any]]:
    bad_decision = named("decision", name)
    facts: list[dict[str, Any]] = [
        {
            "kind": "decision_consultation",
            "title": "2020年决策预公开",
            "draft_published": not bad_decision,
            "feedback_published": not bad_decision,
            "note": why("decision", name),
        },
    ]
    facts += [
        {
            "kind": "disclosure_item",
            "topic": area,
            "published": not named("key_areas", name),
            "note": why("key_areas", name),
        }
        for area in KEY_AREAS
    ]
    channels = ["当面", "邮寄", "网络"] + ([] if named("no_fax", name) else ["传真"])
    facts.append(
        {"kind": "application_channels", "channels": channels, "note": why("no_fax", name)}
    )
    facts.append(
        {
            "kind": "information_request",
            "late_per_source": False,
            "fee_charged": "0",
            "missing_reply_elements": [],
            "note": f"{NOTICE} 三、三：能够…于20个工作日内进行回复,指明获得所申请资料的渠道和方法,均没有收费",
        }
    )
    county_problem = named("county_interpretation", name)
    facts.append(
        {
            "kind": "policy_interpretation",
            "own_policy": not named("no_own_interpretation", name),
            "forms": ["文字", "图解"] if excellent else ["文字"],
            "published_with_policy": excellent,
            "by_expert": not county_problem,
            "by_principal_leader": not county_problem,
            "complete": not county_problem,
            "links_to_policy": True,
            "note": "; ".join(
                [GENERAL if not excellent else "评为优秀：按解读3不适用总体问题"]
                + [
                    why(p, name)
                    for p in ("county_interpretation", "no_own_interpretation")
                    if named(p, name)
                ]
            ),
        }
    )
    late = named("late_and_no_rating", name) or named("late_reply", name)
    no_rating = named("late_and_no_rating", name) or named("no_rating", name)
    facts.append(
        {
            "kind": "consultation",
            "channel": "网站政务咨询",
            "late_per_source": late,
            "satisfaction_rating_available": not no_rating,
            "note": "; ".join(
                [
                    why(p, name)
                    for p in ("late_and_no_rating", "late_reply", "no_rating")
                    if named(p, name)
                ]
                or [f"{NOTICE} 三、四：各单位均开设了政务咨询渠道,渠道功能可用; " + NOT_NAMED]
            ),
        }
    )
    if not named("no_survey", name):
        facts.append({"kind": "survey_activity", "title": "2020年调查征集活动", "note": NOT_NAMED})
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
                        "facts": facts_for(name, tier == "优秀"),
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
