"""docs/rubric-composition.md stays true: every command runs from the repository's root and
prints what the page says; every YAML example parses."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "docs" / "rubric-composition.md"
TEXT = PAGE.read_text(encoding="utf-8")
COMMANDS = [
    line[2:]
    for block in re.findall(r"```console\n(.*?)```", TEXT, re.S)
    for line in block.splitlines()
    if line.startswith("$ ")
]

#: What each command's output must contain (the page shows or describes it).
EXPECTED = {
    "yanshan-2020-11-market-regulation.json": [
        "清单 items: 2020-11-12、2020-11-17、2020-11-25、2020-11-26、2020-11-27",
        "[扣分 -0.5] yanshan.b1.silent_workdays: 政务新媒体在5个工作日未发布信息",
    ],
    "--libraries": ["national.request.answer_deadline", "national.new_media.no_interaction"],
    "--diff": [
        "xuanwei:2020 (xuanwei-2020-county v2) → xuanwei:2021 (xuanwei-2021-county v1): 12 changes",
        "- indicator C6",
        "+ indicator C7: 补正告知及时 (0.5, area C)",
        "- rule xuanwei.c6.ethnic_religious_incident",
        "~ rule xuanwei.c5.late_submission: deduct {mode: per_unit, points: 0.1} → "
        "{mode: per_unit, points: 0.2}",
        "+ rule xuanwei.c7.correction_notice: 补正告知超过7个工作日 (indicator C7)",
    ],
    "--calendar": ["deadline=2027-01-13"],
    "request-2026-12.json": [
        "deadline=2027-01-13",
        "⚠ 临时日历 provisional calendar: 2027",
        "yanshan.c3.answer_deadline: 未发现问题 (clear) (假定值 assumed: per_late_disclosure) "
        "⚠临时日历 provisional calendar 2027",
        "note=示例：2026年12月15日收到、2027年1月13日答复 ⚠临时日历 provisional calendar 2027",
    ],
    "evaluate docs/examples/two-rubrics.json": [
        "yanshan-2020-monthly v1    9.4 / 10  1.9–9.4     94%        —         7 (-0.6)",
        "  national.request.answer_deadline 依申请公开未在法定期限内答复",
        "    yanshan-2020-monthly: 扣分 -0.5 (C3) received_on=2020-09-28",
    ],
    "--format markdown": ["## 共同基线规则 shared baseline rules", "| yanshan-2020-monthly v1 |"],
}
#: What a command's output must not contain.
ABSENT = {"--calendar": ["provisional", "临时日历"]}


def test_the_page_has_its_commands() -> None:
    assert len(COMMANDS) == 7
    for key in EXPECTED:
        assert any(key in command for command in COMMANDS), key


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_prints_what_the_page_says(command: str) -> None:
    words = shlex.split(command)
    assert words[0] == "govopen-rules"
    done = subprocess.run(
        [sys.executable, "-m", "govopen_rules", *words[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    keys = [key for key in EXPECTED if key in command]
    if "--calendar" in command:
        keys = ["--calendar"]  # the same file as the provisional run, with the calendar
    for key in keys:
        for expected in EXPECTED[key]:
            assert expected in done.stdout, (command, expected)
        for absent in ABSENT.get(key, []):
            assert absent not in done.stdout, (command, absent)


@pytest.mark.parametrize("block", re.findall(r"```yaml\n(.*?)```", TEXT, re.S))
def test_each_yaml_example_parses(block: str) -> None:
    assert yaml.safe_load(block) is not None
