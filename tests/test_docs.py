"""The docs cannot drift: examples run, and every kind, hook and operator is documented."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from govopen_rules import Registry
from govopen_rules.plugins import hookspecs as hookspecs_module
from govopen_rules.rubric.conditions import LEAF_OPS

DOCS = Path(__file__).parent.parent / "docs"


def test_concepts_examples_run() -> None:
    failures, tried = doctest.testfile(str(DOCS / "concepts.md"), module_relative=False)
    assert tried > 0 and failures == 0


def test_every_fact_kind_is_documented(core_registry: Registry) -> None:
    text = (DOCS / "concepts.md").read_text(encoding="utf-8")
    for name, kind in core_registry.fact_kinds.items():
        assert f"| `{name}` |" in text, name
        for field in kind.derived:
            assert f"`{field}`" in text, (name, field)


@pytest.mark.parametrize("hook", [h for h in dir(hookspecs_module) if h.startswith("govopen_")])
def test_every_hook_is_in_the_plugin_guide(hook: str) -> None:
    assert f"`{hook}(" in (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")


def test_grammar_is_documented() -> None:
    text = (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")
    for op in LEAF_OPS:
        assert f"`{op}`" in text, op
    modes = ("facts", "sum", "missing_values", "absent", "shortfall", "fixed", "per_unit", "veto",
             "bonus")
    for mode in modes:
        assert f"`{mode}`" in text, mode


def test_the_guides_rubric_example_loads_and_scores(make_registry: object) -> None:
    import re
    from decimal import Decimal

    import yaml

    from govopen_rules import evaluate

    text = (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    data = yaml.safe_load(block.group(1))
    data["areas"][0]["points"] = 1  # the example shows one indicator of the area
    data["points"] = 1
    reg = make_registry(data)  # type: ignore[operator]
    facts = {
        "unit": {"id": "u", "name": "某县", "kind": "county_government"},
        "year": 2021,
        "facts": [
            {"kind": "information_request", "received_on": "2021-03-01", "replied_on": "2021-05-01"}
        ],
    }
    result = evaluate(facts, region="myregion", registry=reg)
    assert result.verdict("myregion.a1.overdue").points == Decimal("0.1")
