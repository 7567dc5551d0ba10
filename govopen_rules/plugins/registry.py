"""The registry: what the installed plugins provide, checked for clashes, compiled on demand.

:class:`Registry` is the one seam between the library and its plugins. It owns the plugin
manager and is the only caller of its hooks; every hook is called through pluggy, so
hookwrappers and ``pm.trace`` see each call. Pass a registry to :func:`~govopen_rules.evaluate`
(or use the testing kit's ``govopen_registry`` fixture) to choose the plugins; otherwise the
process-wide default registry of every installed plugin is used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from govopen_rules.annual_reports.formats import RequiredHeadings
from govopen_rules.engines import ENGINE_NAMES, RuleEngine, build_engine
from govopen_rules.errors import (
    DuplicateRubricError,
    EngineError,
    PluginError,
    UnknownRubricError,
)
from govopen_rules.facts.kinds import FactKind
from govopen_rules.plugins.manager import make_plugin_manager
from govopen_rules.rubric.compiler import CompiledRubric, compile_rubric
from govopen_rules.rubric.files import load_rubric
from govopen_rules.rubric.model import Rubric
from govopen_rules.workdays import HolidayYear, WorkdayCalendar

if TYPE_CHECKING:
    from govopen_rules.evaluation.results import EvaluationResult

__all__ = ["Registry", "Runnable", "default_registry", "get_rubric", "rubrics"]


class Runnable:
    """A compiled rubric with the engine built from its selections."""

    __slots__ = ("compiled", "engine")

    def __init__(self, compiled: CompiledRubric, engine: RuleEngine) -> None:
        self.compiled = compiled
        self.engine = engine


class Registry:
    """Fact kinds, rubrics and calendar years from a set of plugins; compiles rubrics once.

    ``Registry()`` loads the core and every installed plugin; ``Registry(plugins=[...],
    load_entrypoints=False)`` only the core and the plugins given; ``Registry(pm)`` a plugin
    manager built elsewhere. ``engine`` names the matching engine (``durable`` by default).
    """

    def __init__(
        self,
        plugin_manager: pluggy.PluginManager | None = None,
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        engine: str = "durable",
    ) -> None:
        if engine not in ENGINE_NAMES:
            raise EngineError(f"unknown engine {engine!r}; engines: {', '.join(ENGINE_NAMES)}")
        if plugin_manager is None:
            plugin_manager = make_plugin_manager(plugins=plugins, load_entrypoints=load_entrypoints)
        else:
            for plugin in plugins:
                plugin_manager.register(plugin)
        self._pm = plugin_manager
        self.engine = engine
        self.fact_kinds: dict[str, FactKind] = self._load_fact_kinds()
        self.calendar = WorkdayCalendar(self._load_calendar_years())
        self._rubrics: dict[tuple[str, int], Rubric] = {}
        self._owners: dict[tuple[str, int], str] = {}
        self._load_rubrics()
        self._compiled: dict[tuple[str, int, tuple[tuple[str, str], ...]], Runnable] = {}
        self._lock = threading.Lock()

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The pluggy manager (for tracing and introspection; call hooks through the registry)."""
        return self._pm

    # --- hook calls: the only ones in the library -------------------------------------------

    def _each_plugin(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call a data hook once per implementing plugin, through pluggy, so that every item
        is attributed to its plugin. Hookwrappers and tracing see each call; a hookwrapper may
        change what a plugin returns."""
        caller = getattr(self._pm.hook, hook_name)
        impls = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
        out: list[tuple[str, Any]] = []
        for impl in impls:
            name = self._pm.get_name(impl.plugin) or repr(impl.plugin)
            others = [i.plugin for i in impls if i.plugin is not impl.plugin]
            one = self._pm.subset_hook_caller(hook_name, remove_plugins=others)
            try:
                results = one()
            except Exception as exc:
                raise PluginError(f"plugin {name!r} failed in {hook_name}(): {exc!r}") from exc
            for result in results:
                if result is None:
                    continue
                if isinstance(result, (str, bytes)) or not isinstance(result, Iterable):
                    raise PluginError(
                        f"plugin {name!r} returned {result!r} from {hook_name}(), not a list"
                    )
                out.extend((name, item) for item in result)
        return out

    def notify_result(self, result: EvaluationResult) -> None:
        """Tell observers (``govopen_result``) that an evaluation finished."""
        self._pm.hook.govopen_result(result=result)

    def register_observer(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin that only observes results (e.g. the coverage recorder).

        Fact kinds, rubrics and calendar years are read when the registry is built; a plugin
        registered later contributes only to ``govopen_result``.
        """
        self._pm.register(plugin, name=name)

    def report_headings(self) -> list[RequiredHeadings]:
        """Every region's required annual-report headings (``govopen_report_headings``)."""
        found: list[RequiredHeadings] = []
        for plugin, item in self._each_plugin("govopen_report_headings"):
            if not isinstance(item, RequiredHeadings):
                raise PluginError(f"plugin {plugin!r} returned {item!r}, not RequiredHeadings")
            found.append(item)
        return found

    # --- loading ----------------------------------------------------------------------------

    def _load_fact_kinds(self) -> dict[str, FactKind]:
        kinds: dict[str, FactKind] = {}
        owners: dict[str, str] = {}
        for plugin, kind in self._each_plugin("govopen_fact_kinds"):
            if not isinstance(kind, FactKind):
                raise PluginError(f"plugin {plugin!r} returned {kind!r}, not a FactKind")
            if kind.name in owners:
                raise PluginError(
                    f"fact kind {kind.name!r} is provided by both {owners[kind.name]!r} "
                    f"and {plugin!r}"
                )
            owners[kind.name] = plugin
            kinds[kind.name] = kind
        return kinds

    def _load_calendar_years(self) -> list[HolidayYear]:
        years: list[HolidayYear] = []
        for plugin, year in self._each_plugin("govopen_calendar"):
            if not isinstance(year, HolidayYear):
                raise PluginError(f"plugin {plugin!r} returned {year!r}, not a HolidayYear")
            years.append(year)
        return years

    def _load_rubrics(self) -> None:
        rule_owner: dict[str, tuple[str, str]] = {}
        for plugin, path in self._each_plugin("govopen_rubrics"):
            if not isinstance(path, (str, Path)):
                raise PluginError(f"plugin {plugin!r} returned {path!r}, not a rubric file path")
            rubric = load_rubric(path)
            key = (rubric.region, rubric.year)
            if key in self._rubrics:
                raise DuplicateRubricError(
                    f"rubric {rubric.region} {rubric.year} is provided by both "
                    f"{self._owners[key]!r} and {plugin!r}"
                )
            compile_rubric(rubric, self.fact_kinds, source=str(path))  # check it now
            for rule in rubric.all_rules():
                other = rule_owner.get(rule.id)
                if other is not None and other[0] != plugin:
                    raise DuplicateRubricError(
                        f"rule id {rule.id!r} is provided by both {other[0]!r} "
                        f"({other[1]}) and {plugin!r} ({rubric.id})"
                    )
                rule_owner[rule.id] = (plugin, rubric.id)
            self._rubrics[key] = rubric
            self._owners[key] = plugin

    # --- lookups ----------------------------------------------------------------------------

    def rubrics(self) -> list[Rubric]:
        """Every installed rubric, by region and year."""
        return [self._rubrics[k] for k in sorted(self._rubrics)]

    def plugin_of(self, region: str, year: int) -> str:
        """The name of the plugin that provides a rubric."""
        self.get_rubric(region, year)
        return self._owners[(region, year)]

    def check_region(self, region: str) -> None:
        """Raise :class:`UnknownRubricError` unless some rubric of ``region`` is installed."""
        if not any(r == region for r, _y in self._rubrics):
            raise UnknownRubricError(region, None, self._rubrics)

    def get_rubric(self, region: str, year: int) -> Rubric:
        """The rubric for ``region`` and ``year``, or an error listing what is installed."""
        try:
            return self._rubrics[(region, year)]
        except KeyError:
            raise UnknownRubricError(region, year, self._rubrics) from None

    def runnable(
        self, region: str, year: int, parameters: Mapping[str, object] | None = None
    ) -> Runnable:
        """The compiled rubric and its engine, built once per parameter set and reused."""
        rubric = self.get_rubric(region, year)
        key = (region, year, tuple(sorted((k, str(v)) for k, v in (parameters or {}).items())))
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                compiled = compile_rubric(rubric, self.fact_kinds, parameters)
                engine = build_engine(compiled.selections, engine=self.engine, label=rubric.id)
                found = Runnable(compiled, engine)
                self._compiled[key] = found
            return found


@cache
def default_registry() -> Registry:
    """The registry of the core and every installed plugin (built once per process)."""
    return Registry()


def rubrics(*, registry: Registry | None = None) -> list[Rubric]:
    """Every installed rubric."""
    return (registry or default_registry()).rubrics()


def get_rubric(region: str, year: int, *, registry: Registry | None = None) -> Rubric:
    """The installed rubric for a region and year (an error lists what is installed)."""
    return (registry or default_registry()).get_rubric(region, year)
