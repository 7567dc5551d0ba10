from __future__ import annotations

import datetime as dt
import importlib.metadata
import inspect
from pathlib import Path
from typing import Any

import attrs
import pluggy
import pytest
import yaml

import govopen_rules
from govopen_rules import (
    DuplicateRubricError,
    FactKind,
    FieldType,
    GovOpenRulesError,
    HolidayYear,
    PluginError,
    Registry,
    Status,
    UnknownRubricError,
    evaluate,
    hookimpl,
)
from govopen_rules.plugins import hookspecs as hookspecs_module
from govopen_rules.plugins.manager import make_plugin_manager

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry, RubricFiles

HOOKS = [name for name in dir(hookspecs_module) if name.startswith("govopen_")]


def simple(region: str, rule_id: str = "t.a.r", year: int = 2020, kind: str = "submission",
           when: Any = None) -> dict[str, Any]:
    """A one-rule rubric."""
    return rubric(
        area("A", indicator("A1", "1", rule(rule_id, kind, when=when))), region=region, year=year
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_tested(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs_module, hook)) or ""
    assert ":returns:" in doc and "versionadded" in doc, hook
    assert f"def test_hook_{hook}" in Path(__file__).read_text(encoding="utf-8")


def test_hook_govopen_rubrics(make_registry: MakeRegistry) -> None:
    reg = make_registry(simple("alpha"), simple("beta"))
    assert [(r.region, r.year) for r in reg.rubrics()] == [("alpha", 2020), ("beta", 2020)]


def test_hook_govopen_fact_kinds(make_registry: MakeRegistry) -> None:
    @attrs.frozen(kw_only=True)
    class Petition:
        KIND = "petition"
        topic: str
        answered_on: dt.date | None = None

    class PetitionPlugin:
        @hookimpl
        def govopen_fact_kinds(self) -> list[FactKind]:
            return [
                FactKind(
                    name="petition",
                    cls=Petition,
                    title="信访",
                    derived={"answered": FieldType.BOOL},
                    derive=lambda f, ctx: {"answered": f.answered_on is not None},
                )
            ]

    data = simple("p", "t.a.unanswered", kind="petition", when={"field": "answered", "eq": False})
    reg = make_registry(data, plugins=(PetitionPlugin(),))
    result = evaluate(facts_file({"kind": "petition", "topic": "x"}), region="p", registry=reg)
    assert result.verdict("t.a.unanswered").status is Status.DEDUCTED


def test_hook_govopen_calendar(make_registry: MakeRegistry) -> None:
    class FutureYear:
        @hookimpl
        def govopen_calendar(self) -> list[HolidayYear]:
            return [HolidayYear(year=2099, holidays={dt.date(2099, 1, 5)})]

    data = simple("future", "t.a.late", year=2099, kind="information_request",
                  when={"field": "overdue", "eq": True})
    reg = make_registry(data, plugins=(FutureYear(),))
    request = {
        "kind": "information_request",
        "received_on": "2099-01-02",
        "replied_on": "2099-02-02",
    }
    result = evaluate(facts_file(request, year=2099), region="future", registry=reg)
    # Monday 2099-01-05 is made a holiday, so the 20th working day after Friday 01-02 is 02-02.
    assert result.verdict("t.a.late").evidence[0].values["deadline"] == "2099-02-02"
    assert result.verdict("t.a.late").status is Status.CLEAR
    without = make_registry(simple("other", "t.b.r", year=2099), data)
    provisional = evaluate(facts_file(request, year=2099), region="future", registry=without)
    assert provisional.provisional_calendar_years == (2099,)
    assert result.provisional_calendar_years == ()  # the plugin's year is official data


def test_hook_govopen_result(make_registry: MakeRegistry) -> None:
    seen: list[Any] = []

    class Observer:
        @hookimpl
        def govopen_result(self, result: Any) -> None:
            seen.append(result)

    reg = make_registry(simple("observed"), plugins=(Observer(),))
    result = evaluate(facts_file(), region="observed", registry=reg)
    assert seen == [result]


def test_hook_govopen_report_headings() -> None:
    from govopen_rules.annual_reports.formats import RequiredHeadings
    from govopen_rules.errors import PluginError

    outline = RequiredHeadings(name="某市提纲", source="某市通知", units=("某市",),
                               headings=(("附表", "附表"),))

    class Region:
        @hookimpl
        def govopen_report_headings(self) -> list[RequiredHeadings]:
            return [outline]

    class Wrong:
        @hookimpl
        def govopen_report_headings(self) -> list[str]:
            return ["附表"]

    assert Registry(plugins=[Region()], load_entrypoints=False).report_headings() == [outline]
    with pytest.raises(PluginError, match="not RequiredHeadings"):
        Registry(plugins=[Wrong()], load_entrypoints=False).report_headings()


def test_same_rubric_from_two_plugins_names_both(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(simple("dup"), allow_unicode=True), encoding="utf-8")
    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(RubricFiles([path]), name="first")
    pm.register(RubricFiles([path]), name="second")
    with pytest.raises(
        DuplicateRubricError, match="dup 2020 is provided by both 'first' and 'second'"
    ):
        Registry(pm)


def test_same_rule_id_from_two_plugins_names_both(tmp_path: Path) -> None:
    import yaml

    paths = []
    for region in ("one", "two"):
        path = tmp_path / f"{region}.yaml"
        path.write_text(yaml.safe_dump(simple(region, "t.same.rule")), encoding="utf-8")
        paths.append(path)
    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(RubricFiles(paths[:1]), name="p1")
    pm.register(RubricFiles(paths[1:]), name="p2")
    with pytest.raises(DuplicateRubricError, match="'t.same.rule' is provided by both 'p1'"):
        Registry(pm)


def test_same_fact_kind_twice_names_both_plugins() -> None:
    from govopen_rules.plugins.builtin import kinds as _builtin

    class Copycat:
        @hookimpl
        def govopen_fact_kinds(self) -> list[FactKind]:
            return _builtin.govopen_fact_kinds()[:1]

    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(Copycat(), name="copycat")
    with pytest.raises(
        PluginError, match="provided by both 'govopen_rules.plugins.builtin.kinds' and 'copycat'"
    ):
        Registry(pm)


@pytest.mark.parametrize(
    ("hook", "value", "message"),
    [
        ("govopen_rubrics", [42], "returned 42, not a rubric file path"),
        ("govopen_fact_kinds", ["x"], "returned 'x', not a FactKind"),
        ("govopen_calendar", [2027], "returned 2027, not a HolidayYear"),
    ],
)
def test_wrong_return_types_name_the_plugin(hook: str, value: list[Any], message: str) -> None:
    plugin = type("Bad", (), {hook: hookimpl(lambda self: value)})()
    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(plugin, name="bad")
    with pytest.raises(PluginError, match=f"plugin 'bad' {message}"):
        Registry(pm)


def test_a_failing_hook_names_the_plugin() -> None:
    def boom(self: object) -> list[Path]:
        raise RuntimeError("disk on fire")

    plugin = type("Broken", (), {"govopen_rubrics": hookimpl(boom)})()
    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(plugin, name="broken")
    with pytest.raises(PluginError, match="plugin 'broken' failed in govopen_rubrics"):
        Registry(pm)


def test_unsupported_fact_field_type_is_refused() -> None:
    @attrs.frozen
    class Odd:
        when: dt.datetime

    with pytest.raises(PluginError, match="fact kind 'odd', field 'when': unsupported"):
        FactKind(name="odd", cls=Odd, title="odd")

    @attrs.frozen
    class Reserved:
        id: str

    with pytest.raises(PluginError, match="'id' is reserved"):
        FactKind(name="reserved", cls=Reserved, title="r")


def test_misspelt_hook_is_caught() -> None:
    plugin = type("Typo", (), {"govopen_rubricz": hookimpl(lambda self: [])})()
    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'govopen_rubricz'"):
        make_plugin_manager(load_entrypoints=False, plugins=[plugin])


class _FakeEntryPoint:
    group = "govopen_rules"

    def __init__(self, name: str, obj: object) -> None:
        self.name = name
        self._obj = obj

    def load(self) -> object:
        return self._obj


class _FakeDist:
    def __init__(self, eps: list[_FakeEntryPoint]) -> None:
        self.entry_points = eps
        self.metadata = {"name": "govopen-rules-fake"}


def test_entry_points_are_loaded_and_can_be_blocked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import yaml

    path = tmp_path / "fake.yaml"
    path.write_text(yaml.safe_dump(simple("fake")), encoding="utf-8")
    dist = _FakeDist([_FakeEntryPoint("fake", RubricFiles([path]))])
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: [dist])
    monkeypatch.delenv("GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("GOVOPEN_RULES_DISABLED_PLUGINS", raising=False)
    assert Registry().plugin_of("fake", 2020) == "fake"
    monkeypatch.setenv("GOVOPEN_RULES_DISABLED_PLUGINS", "fake")
    assert Registry().rubrics() == []
    monkeypatch.delenv("GOVOPEN_RULES_DISABLED_PLUGINS")
    monkeypatch.setenv("GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert Registry().rubrics() == []


def test_unknown_rubric_lists_what_is_installed(make_registry: MakeRegistry) -> None:
    reg = make_registry(simple("alpha"))
    with pytest.raises(UnknownRubricError) as info:
        reg.get_rubric("omega", 2020)
    assert "installed rubrics: alpha 2020" in str(info.value)
    with pytest.raises(UnknownRubricError, match="alpha 2020"):
        evaluate(facts_file(), region="alpha", year=2019, registry=reg)


def test_builtin_fact_kinds_use_the_public_hook() -> None:
    pm = make_plugin_manager(load_entrypoints=False)
    names = [pm.get_name(i.plugin) for i in pm.hook.govopen_fact_kinds.get_hookimpls()]
    assert names == ["govopen_rules.plugins.builtin.kinds"]
    assert FieldType.DATE in Registry(pm).fact_kinds["information_request"].fields.values()


def test_hook_calls_go_through_pluggy_so_wrappers_and_tracing_see_them() -> None:
    seen: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def govopen_fact_kinds(self) -> Any:
            kinds = yield
            seen.append("wrapped")
            return kinds

    class ObserveResults:
        @hookimpl
        def govopen_result(self, result: Any) -> None:
            seen.append(f"result {result.rubric_id}")

    pm = make_plugin_manager(load_entrypoints=False, plugins=[Wrapper()])
    traced: list[str] = []
    undo = pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: traced.append(name), lambda *args: None
    )
    registry = Registry(pm)
    undo()
    assert "govopen_fact_kinds" in traced
    assert "wrapped" in seen
    assert "submission" in registry.fact_kinds  # the wrapper passed the kinds through


def test_a_hookwrapper_can_change_what_a_plugin_returns() -> None:
    class DropAll:
        @hookimpl(wrapper=True)
        def govopen_calendar(self) -> Any:
            yield
            return []

    class Supplies:
        @hookimpl
        def govopen_calendar(self) -> list[object]:
            return ["not a year"]  # would be refused, but the wrapper drops it

    Registry(load_entrypoints=False, plugins=[DropAll(), Supplies()])


def test_only_the_registry_calls_hooks() -> None:
    package = Path(govopen_rules.__file__).parent
    callers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if ".hook.govopen_" in path.read_text(encoding="utf-8") and path.name != "registry.py"
    ]
    assert callers == []


def test_observers_see_every_evaluation(make_registry: MakeRegistry) -> None:
    registry = make_registry(rubric(area("A", indicator("A1", "1", rule("o.a.x", "submission")))))
    seen: list[str] = []

    class Observer:
        @hookimpl
        def govopen_result(self, result: Any) -> None:
            seen.append(result.unit.id)

    registry.register_observer(Observer())
    evaluate(facts_file(), region="testland", registry=registry)
    assert seen == ["test"]  # the unit id of the kit's facts_file


def test_govopen_registry_fixture_isolates_chosen_plugins(
    govopen_registry: Any, tmp_path: Path
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        yaml.safe_dump(rubric(area("A", indicator("A1", "1", rule("f.a.x", "submission"))),
                              region="fixture"), allow_unicode=True),
        encoding="utf-8",
    )
    registry = govopen_registry(RubricFiles([path]))
    assert [r.region for r in registry.rubrics()] == ["fixture"]  # nothing installed leaks in
    assert evaluate(facts_file(), region="fixture", registry=registry).total == 1


def test_a_broken_plugin_is_skipped_and_reported_when_not_strict(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(simple("good"), allow_unicode=True), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: [unclosed", encoding="utf-8")

    class Crashes:
        @hookimpl
        def govopen_rubrics(self) -> list[Path]:
            raise RuntimeError("cannot find my files")

    plugins = [RubricFiles([good]), RubricFiles([bad]), Crashes()]
    lenient = Registry(load_entrypoints=False, plugins=plugins, strict_plugins=False)
    assert [r.region for r in lenient.rubrics()] == ["good"]
    assert evaluate(facts_file(), region="good", registry=lenient).total == 1
    assert len(lenient.problems) == 2
    assert any("bad.yaml" in p for p in lenient.problems)
    assert any("cannot find my files" in p for p in lenient.problems)
    with pytest.raises(GovOpenRulesError):
        Registry(load_entrypoints=False, plugins=plugins)  # strict by default


def test_the_default_registry_is_lenient_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from govopen_rules.plugins.registry import default_registry

    default_registry.cache_clear()
    try:
        assert default_registry().strict_plugins is False
        default_registry.cache_clear()
        monkeypatch.setenv("GOVOPEN_RULES_STRICT_PLUGINS", "1")
        assert default_registry().strict_plugins is True
    finally:
        default_registry.cache_clear()
