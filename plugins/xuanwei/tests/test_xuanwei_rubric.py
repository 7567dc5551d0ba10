"""The 2020 rubric as printed: points, citations, a perfect unit, readings that can be changed.

Each rule is tested where it fires, where it does not and at its boundary in
``rules.cases.yaml``; that every rule is seen both deducted and clear is the testing kit's
coverage gate (``--govopen-coverage-fail-under 100``, run by ``.ci/run``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govopen_rules import Status, get_rubric
from govopen_rules.plugins.manager import make_plugin_manager

from conftest import Evaluate


def test_plugin_is_installed() -> None:
    pm = make_plugin_manager()
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


def test_readings_can_be_overridden(score_with: Evaluate) -> None:
    def two_defects(facts: list[dict[str, Any]]) -> None:
        for fact in facts:
            if fact["kind"] == "information_request":
                fact["missing_reply_elements"] = ["a", "b"]

    rule = "xuanwei.a6.reply_defects"
    assert score_with(two_defects).verdict(rule).points == Decimal("0.2")
    other = score_with(two_defects, parameters={"a6_two_defects": "1"})
    assert other.verdict(rule).points == Decimal("1")
    assert "a6_two_defects" in other.verdict(rule).assumptions
