"""The Yan'an 2020 rubric and the published tier tables reproduced exactly.

Each rule is tested where it fires, where it does not and at its boundary in
``rules.cases.yaml``; that every rule is seen both deducted and clear is the testing kit's
coverage gate (``--govopen-coverage-fail-under 100``, run by ``.ci/run``).
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from govopen_yanan import examples

from govopen_rules import evaluate_many, get_rubric

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


def test_the_committed_cohort_is_what_its_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "cohort.json"
    examples.main([str(out)])
    assert out.read_bytes() == COHORT.read_bytes()


PUBLISHED = {
    "县（市、区）政府、管委会": {
        "优秀": (4, "25.00", {"子长市", "南泥湾管委会", "延长县", "吴起县"}),
        "良好": (
            9,
            "56.25",
            {
                "新区管委会",
                "宝塔区",
                "黄龙县",
                "黄陵县",
                "高新区管委会",
                "甘泉县",
                "延川县",
                "富县",
                "安塞区",
            },
        ),
        "待改进": (3, "18.75", {"志丹县", "宜川县", "洛川县"}),
    },
    "市政府工作部门": {
        "优秀": (
            15,
            "32.61",
            {
                "市财政局",
                "市发改委",
                "市政府评审中心",
                "市审计局",
                "市审批局",
                "市城管执法局",
                "市扶贫开发局",
                "市房屋征收局",
                "市文旅局",
                "市人防办",
                "市科技局",
                "市农业农村局",
                "市国资委",
                "市统计局",
                "市市场监管局",
            },
        ),
        "良好": (
            28,
            "60.87",
            {
                "市人社局",
                "市信访局",
                "市城改办",
                "市住建局",
                "市招商局",
                "市机关事务服务中心",
                "市公安局",
                "市政府研究室",
                "市方志办",
                "市民宗局",
                "市教育局",
                "市交运局",
                "市应急管理局",
                "市供销社",
                "市商务局",
                "市公积金中心",
                "市金融办",
                "市体育局",
                "市司法局",
                "市口岸办",
                "市医保局",
                "市民政局",
                "市自然资源局",
                "市卫健委",
                "市公共资源交易中心",
                "黄帝陵管理局",
                "市工信局",
                "市水务局",
            },
        ),
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
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "| 优秀 | 15 | 32.61% |" in out
    assert "| 待改进 | 3 | 18.75% | 志丹县、宜川县、洛川县 |" in out
    as_json = subprocess.run(
        [
            "govopen-rules",
            "cohort",
            str(COHORT),
            "--region",
            "yanan",
            "--year",
            "2020",
            "--format",
            "json",
            "--processes",
            "2",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    groups = json.loads(as_json)["groups"]
    assert [t["share"] for t in groups[1]["tiers"]] == ["32.61", "60.87", "6.52"]
