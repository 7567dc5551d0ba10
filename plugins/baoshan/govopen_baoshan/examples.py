"""The example cohort ``examples/baoshan-2019-cohort.json``: the 49 units of the 2019 notice,
with what the notice says about each, and the grades it published kept apart.

The JSON is committed; :func:`build` is its source and a test checks that the two agree.
Regenerate it from the plugin's folder with
``python -m govopen_baoshan.examples examples/baoshan-2019-cohort.json``.

The notice publishes each unit's grade (and class) but attributes **no problem to a named
unit**: its problems are said of 「大部分单位」「部分单位」 or of the city as a whole (49 policy
interpretations on all county portals, 24 of 41 departments absent from press conferences), and
no sentence says which units. The only sentence that applies to each unit is the rectification
request, due 2020-04-30 (四、存在的主要问题 末段); the notice does not say when any unit reported,
so that rule has no evidence either. Every grade is therefore left undetermined by the
evidence, and the cohort says so; the published grades are each unit's ``published`` tier,
compared and never read by a rule.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTICE = "保山市2019年度考评通报"
PUBLISHED_AT = f"{NOTICE} 二、考核结果"
MERGED = "（表中等次栏为合并单元格：各单位取其所在段的等次）"
RECTIFICATION = (
    "四、存在的主要问题 末段",
    "检查中发现的问题，请各级各部门迅速行动，保质保量做好整改工作，确保 2020 年度政务公开工作"
    "要求落实到位。整改情况于 2020 年 4 月 30 日前通过电子公文反馈回市政府办公室政府信息与"
    "政务公开科。",
)

# The notice's tables as published, in its order.
# fmt: off
COUNTIES = [("昌宁县人民政府", "优秀"), ("腾冲市人民政府", "优秀"), ("隆阳区人民政府", "良好"),
            ("龙陵县人民政府", "良好"), ("施甸县人民政府", "合格")]
PARKS = [("市工贸园区管委会", "优秀"), ("市高黎贡山度假区管委会", "良好"),
         ("市腾冲边合区管委会", "合格")]
# (name, class) in the notice's order, grouped by grade as its table prints them.
DEPARTMENTS = {
    "优秀": [("市政府办公室", "A"), ("市民政局", "A"), ("市生态环境局", "A"), ("市发展改革委", "A"),
             ("市卫生健康委", "A"), ("市应急局", "B"), ("市信访局", "B"), ("市商务局", "B"),
             ("市投资促进局", "C")],
    "良好": [("市公安局", "A"), ("市人力资源社会保障局", "A"), ("市交通运输局", "A"),
             ("市司法局", "A"), ("市教育体育局", "A"), ("市工业和信息化局", "A"), ("市广电局", "B"),
             ("市外办", "B"), ("市政府政研室", "B"), ("市退役军人局", "B"), ("市地震局", "C"),
             ("市供销社", "C")],
    "合格": [("市住房城乡建设局", "A"), ("市农业农村局", "A"), ("市政务服务局", "A"),
             ("市林草局", "A"), ("市财政局", "A"), ("市扶贫办", "A"), ("市市场监管局", "A"),
             ("市文化和旅游局", "A"), ("市自然资源和规划局", "A"), ("市水务局", "A"),
             ("市民宗局", "B"), ("市医保局", "B"), ("市统计局", "B"), ("市国资委", "B"),
             ("市能源局", "B"), ("市科技局", "B"), ("市审计局", "B"), ("市驻昆办", "C"),
             ("市机关事务局", "C"), ("市驻密办", "C")],
}
# fmt: on


def facts_for(name: str) -> list[dict[str, Any]]:
    """What the notice says of the unit ``name``: only the rectification every unit owes.
    Nothing here depends on the unit's published grade."""
    clause, sentence = RECTIFICATION
    return [
        {
            "kind": "rectification",
            "problem": "2019年度考评发现的问题",
            "due_on": "2020-04-30",
            "note": f"{NOTICE} {clause}：「{sentence}」（各级各部门均须反馈；通报未载明{name}"
            "何时反馈）",
        }
    ]


def build() -> dict[str, Any]:
    units: list[dict[str, Any]] = []

    def add(name: str, kind: str, grade: str, source: str, category: str | None = None) -> None:
        unit: dict[str, Any] = {
            "id": f"baoshan-{len(units) + 1:02d}",
            "name": name,
            "kind": kind,
            "parent": "保山市",
        }
        if category:
            unit["category"] = category
        units.append(
            {
                "unit": unit,
                "year": 2019,
                "facts": facts_for(name),
                "published": {"tier": grade, "source": source},
            }
        )

    for name, grade in COUNTIES:
        add(name, "county_government", grade, f"{PUBLISHED_AT}（一）")
    for name, grade in PARKS:
        add(name, "park_committee", grade, f"{PUBLISHED_AT}（一）")
    for grade, members in DEPARTMENTS.items():
        for name, category in members:
            add(name, "department", grade, f"{PUBLISHED_AT}（二）{MERGED}", category)
    return {"region": "baoshan", "year": 2019, "source": NOTICE, "units": units}


def main(argv: Sequence[str] | None = None) -> None:
    """Write the cohort, as committed, to the path given on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m govopen_baoshan.examples", description="Write the example cohort JSON."
    )
    parser.add_argument("output", type=Path, help="e.g. examples/baoshan-2019-cohort.json")
    out = parser.parse_args(argv).output
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
