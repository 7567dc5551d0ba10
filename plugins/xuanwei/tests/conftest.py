"""Fixtures for the 宣威 tests: the case file's perfect facts, scored after an edit."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from govopen_rules import EvaluationResult, evaluate
from govopen_rules.testing import facts_file

CASES = Path(__file__).with_name("rules.cases.yaml")
UNIT = {"id": "530381", "name": "宣威市人民政府", "kind": "county_government"}


def perfect_facts() -> list[dict[str, Any]]:
    """Facts with evidence for every rule and nothing wrong: the base of rules.cases.yaml."""
    return list(yaml.safe_load(CASES.read_text(encoding="utf-8"))["facts"])


Evaluate = Callable[..., EvaluationResult]


@pytest.fixture
def score_with() -> Evaluate:
    """Evaluate the perfect facts after ``change`` edits a deep copy of them."""

    def run(
        change: Callable[[list[dict[str, Any]]], Any] | None = None, **kw: Any
    ) -> EvaluationResult:
        facts = copy.deepcopy(perfect_facts())
        if change is not None:
            change(facts)
        data = facts_file(*facts, unit=UNIT, year=2020, as_of="2020-12-26")
        return evaluate(data, region="xuanwei", year=2020, **kw)

    return run
