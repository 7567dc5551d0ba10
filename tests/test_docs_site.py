"""The docs site's generated pages and examples: complete, exact, and failing loudly when not."""

from __future__ import annotations

import doctest
import re
import types
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import FactKind, FieldType, Registry, evaluate
from govopen_rules.plugins.manager import make_plugin_manager
from govopen_rules.plugins.registry import default_registry
from govopen_rules.reports.reference import (
    fact_kind_reference,
    measure_definitions,
    rubric_reference,
)

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

DOCS = Path(__file__).parent.parent / "docs"


def test_reading_a_result_examples_run() -> None:
    failures, tried = doctest.testfile(str(DOCS / "results.md"), module_relative=False)
    assert tried > 10 and failures == 0


def test_every_rule_of_every_installed_rubric_is_in_the_reference() -> None:
    registry = default_registry()
    compiled = [
        (registry.runnable(r.region, r.year).compiled, registry.plugin_of(r.region, r.year))
        for r in registry.rubrics()
    ]
    assert {c.rubric.region for c, _ in compiled} >= {"xuanwei", "yanan", "baoshan"}
    page = rubric_reference(compiled, registry.fact_kinds)
    for c, _plugin in compiled:
        assert f"`{c.rubric.id}`" in page
        for r in c.rules:
            assert f"`{r.rule.id}`" in page
            assert r.rule.citation.quote.replace("|", "\\|") in page
        for name, parameter in c.rubric.parameters.items():
            assert f"| `{name}` |" in page and parameter.note.replace("|", "\\|") in page
    # xuanwei C5: 0.1 per late submission, the indicator losing at most 0.5.
    assert "| `xuanwei.c5.late_submission`<br>材料未按时报送 | 每项扣0.1分 |" in page
    assert "#### C5 规范性文件3个工作日内报送，按时报送材料 (0.5, cap 0.5)" in page
    assert "Written for units of kind: `county_government`" in page


def test_every_derived_measure_is_defined_in_the_fact_kind_reference(
    core_registry: Registry,
) -> None:
    page = fact_kind_reference(core_registry.fact_kinds)
    for kind in core_registry.fact_kinds.values():
        for measure, definition in measure_definitions(kind).items():
            assert f"| `{measure}` |" in page and len(definition) > 20, measure
    # The definitions that were once found only by reading the source:
    assert "one of the four 公开属性 marks" in page
    assert "both ends of the window count" in page
    assert "with no original posts it is the window's length in days" in page


def test_a_measure_without_a_definition_fails_the_build() -> None:
    @__import__("attrs").frozen(kw_only=True)
    class Visit:
        KIND = "visit"
        day: Any = None

    def derive(fact: Any, ctx: Any) -> dict[str, object]:
        """A visit.

        Measures:
            counted: whether it was counted.
        """
        return {}

    kind = FactKind.__new__(FactKind)  # built without field checks: only the docstring matters
    object.__setattr__(kind, "name", "visit")
    object.__setattr__(kind, "derive", derive)
    object.__setattr__(kind, "derived", {"counted": FieldType.BOOL, "weekday": FieldType.INT})
    with pytest.raises(
        ValueError, match=r"'visit': derived measure\(s\) weekday have no definition"
    ):
        measure_definitions(kind)


def test_the_guides_fact_kind_example_is_a_working_plugin(make_registry: MakeRegistry) -> None:
    text = (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")
    block = re.search(r"### A fact kind of your own.*?```python\n(.*?)```", text, re.S)
    assert block is not None
    plugin = types.ModuleType("hearing_plugin")
    code = compile(block.group(1), "writing-a-plugin.md", "exec", dont_inherit=True)
    exec(code, plugin.__dict__)
    late = {"field": "notice_workdays", "lt": 5}
    reg = make_registry(
        rubric(area("A", indicator("A1", "1", rule("t.a.notice", "hearing", when=late)))),
        plugins=(plugin,),
    )
    kind = reg.fact_kinds["hearing"]
    assert measure_definitions(kind)["notice_workdays"].startswith("working days from")
    hearing = {
        "kind": "hearing",
        "topic": "水价调整",
        "announced_on": "2020-06-01",
        "held_on": "2020-06-03",
    }
    verdict = evaluate(facts_file(hearing), region="testland", registry=reg).verdict("t.a.notice")
    assert verdict.status.value == "deducted"
    assert verdict.evidence[0].values["topic"] == "水价调整"  # a required text field names it
    assert verdict.evidence[0].values["notice_workdays"] == "2"


def test_the_plugin_registry_used_by_the_hook_loads_without_entry_points() -> None:
    # The docs hook uses the default registry; the reference needs no plugin to render.
    pm = make_plugin_manager(load_entrypoints=False)
    assert "information_request" in fact_kind_reference(Registry(pm).fact_kinds)
