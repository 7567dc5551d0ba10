"""The example cohort ``examples/baoshan-2019-cohort.json``: the 49 units of the 2019 notice
with their published grades.

The JSON is committed; :func:`build` is its source and a test checks that the two agree.
Regenerate it from the plugin's folder with
``python -m govopen_baoshan.examples examples/baoshan-2019-cohort.json``.

The notice publishes each unit's grade (and class) but attributes no problem to a named unit,
so these facts are an **illustrative construction**, not evidence about any unit: the notice's
general problems are given to units by their published grade, and every fact's ``note`` says
so. Dates are illustrative too.

- every unit not rated 优秀: 「大部分单位对概述类信息、指南、公开目录没有按年检查更新」 and
  「全市政策解读数量偏少」 (5 interpretations against the assumed minimum of 10);
- every unit rated 合格: 「仍存在部分单位超时未办结情况」 (late replies to messages); counties
  and 园区 rated 合格 also have unfiled new-media accounts (446 accounts, 301 filed);
- 24 of 41 departments did not attend a press conference (58.5 %): the 20 rated 合格 and the last
  four rated 良好 in the notice's table (the notice does not say which 24).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTICE = "保山市2019年度考评通报"
ILLUSTRATIVE = "示例构造：通报未点名具体单位，按其公布的等次分配通报所列普遍问题"

# The notice's tables and sentences, kept in its order and shape.
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
PRESS_ABSENT_GOOD = {"市政府政研室", "市退役军人局", "市地震局", "市供销社"}
# fmt: on


def facts_for(grade: str, kind: str, name: str) -> list[dict[str, Any]]:
    updated = grade == "优秀"
    facts: list[dict[str, Any]] = [
        {
            "kind": "guide_catalogue",
            "document": doc,
            "updated_on": "2019-03-01" if updated else "2018-03-01",
            "note": ILLUSTRATIVE if not updated else "示例构造：按年更新",
        }
        for doc in ("guide", "catalogue", "overview")
    ]
    interpretations = 10 if grade == "优秀" else 5
    facts += [
        {
            "kind": "policy_interpretation",
            "policy_title": f"政策解读{i + 1}",
            "note": "示例构造" if grade == "优秀" else f"{ILLUSTRATIVE}：解读数量偏少",
        }
        for i in range(interpretations)
    ]
    facts.append(
        {
            "kind": "consultation",
            "late_per_source": grade == "合格",
            "note": f"{ILLUSTRATIVE}：超时未办结" if grade == "合格" else "示例构造",
        }
    )
    if kind == "department":
        absent = grade == "合格" or name in PRESS_ABSENT_GOOD
        facts.append(
            {
                "kind": "press_conference",
                "attended": not absent,
                "note": f"{NOTICE} 四（二）：41个考核部门中有24个未参加；{ILLUSTRATIVE}",
            }
        )
    elif grade == "合格":
        facts += [
            {
                "kind": "new_media_account",
                "name": f"{name}政务新媒体{i + 1}",
                "filed": False,
                "note": f"{NOTICE} 三（二）：政务新媒体446个，已备案301个；{ILLUSTRATIVE}",
            }
            for i in range(5)
        ]
    return facts


def build() -> dict[str, Any]:
    units: list[dict[str, Any]] = []

    def add(name: str, kind: str, grade: str, category: str | None = None) -> None:
        unit: dict[str, Any] = {
            "id": f"baoshan-{len(units) + 1:02d}",
            "name": name,
            "kind": kind,
            "parent": "保山市",
        }
        if category:
            unit["category"] = category
        units.append({"unit": unit, "year": 2019, "facts": facts_for(grade, kind, name)})

    for name, grade in COUNTIES:
        add(name, "county_government", grade)
    for name, grade in PARKS:
        add(name, "park_committee", grade)
    for grade, members in DEPARTMENTS.items():
        for name, category in members:
            add(name, "department", grade, category)
    absent = sum(
        1
        for u in units
        for f in u["facts"]
        if f["kind"] == "press_conference" and not f["attended"]
    )
    assert absent == 24, absent  # 24 of 41 = 58.5 %, as the notice says
    return {
        "region": "baoshan",
        "year": 2019,
        "source": NOTICE,
        "note": ILLUSTRATIVE,
        "units": units,
    }


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
